/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Segment } from '../../recording.ts';
import type { RecordingDetail } from './console-store.ts';
import { clock, utcTime } from './display.ts';
import { CsrfField, Layout, StateBadge } from './layout.tsx';

function speakerOf(segment: Segment): string {
  if (segment.speaker === 'agent') return 'Agent';
  if (segment.speaker === 'caller') return 'Caller';
  return segment.speakerLabel ? `Speaker ${segment.speakerLabel}` : '';
}

/** `/recordings/<seq>`: one recording's state, call metadata, audio player and (redacted) turns. */
export function RecordingPage(props: { detail: RecordingDetail; csrf: string; notice?: string }) {
  const { row, meta, transcript, notionUrl, hasAudio } = props.detail;
  const call = transcript?.call ?? {};
  const redactions = Object.entries(transcript?.redactions ?? {});
  return (
    <Layout title={row.fileName} notice={props.notice}>
      <h1>{row.fileName}</h1>
      <dl class="meta">
        <dt>Recording id</dt>
        <dd>{row.id ?? 'not known yet'}</dd>
        <dt>State</dt>
        <dd>
          <StateBadge state={row.state} /> <span class="muted">attempts: {row.attempts}</span>
        </dd>
        {row.stage ? (
          <>
            <dt>Stage</dt>
            <dd>{row.stage}</dd>
          </>
        ) : null}
        {row.lastError ? (
          <>
            <dt>Reason</dt>
            <dd class="reason">{row.lastError}</dd>
          </>
        ) : null}
        {row.attention ? (
          <>
            <dt>Needs attention</dt>
            <dd class="attention">{row.attention}</dd>
          </>
        ) : null}
        <dt>Source</dt>
        <dd>
          {row.source}: {row.relativePath}
        </dd>
        <dt>Found</dt>
        <dd>{utcTime(row.discoveredAt)}</dd>
        <dt>Call time</dt>
        <dd>{utcTime(call.callTime ?? meta?.callTime)}</dd>
        <dt>Agent</dt>
        <dd>{call.agent ?? meta?.agent ?? ''}</dd>
        <dt>Caller</dt>
        <dd>{call.caller ?? meta?.caller ?? ''}</dd>
        <dt>Campaign</dt>
        <dd>{call.campaign ?? meta?.campaign ?? ''}</dd>
        {call.interactionId ? (
          <>
            <dt>Interaction</dt>
            <dd>
              {call.interactionId}
              {call.leg ? ` (${call.leg} leg)` : ''}
            </dd>
          </>
        ) : null}
        {transcript ? (
          <>
            <dt>Audio</dt>
            <dd>
              {transcript.audio.durationSeconds.toFixed(1)} s, {transcript.audio.channels === 2 ? 'stereo' : 'mono'}, {transcript.audio.codec}
            </dd>
            <dt>Model</dt>
            <dd>
              {transcript.model}
              {transcript.language ? ` (${transcript.language})` : ''}
            </dd>
            <dt>Redacted</dt>
            <dd>{redactions.length ? redactions.map(([kind, n]) => `${kind}: ${n}`).join(', ') : 'nothing'}</dd>
          </>
        ) : null}
        {notionUrl ? (
          <>
            <dt>Notion</dt>
            <dd>
              <a href={notionUrl} target="_blank" rel="noopener noreferrer">
                open the Notion page
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      {row.state === 'failed' ? (
        <div class="actions">
          <form method="post" action={`/recordings/${row.seq}/retry`}>
            <CsrfField token={props.csrf} />
            <input type="hidden" name="back" value={`/recordings/${row.seq}`} />
            <button type="submit">Retry this recording</button>
          </form>
        </div>
      ) : null}
      {hasAudio ? (
        <p>
          <audio controls preload="metadata" src={`/recordings/${row.seq}/audio`}></audio>
        </p>
      ) : (
        <p class="muted">No archived audio to play.</p>
      )}
      <h2>Transcript</h2>
      {transcript ? (
        <table class="turns">
          <thead>
            <tr>
              <th>Time</th>
              <th>Speaker</th>
              <th>Text</th>
            </tr>
          </thead>
          <tbody>
            {transcript.segments.map((segment) => (
              <tr>
                <td class="time">
                  {clock(segment.start)}–{clock(segment.end)}
                </td>
                <td class={`speaker speaker-${segment.speaker ?? 'unknown'}`}>{speakerOf(segment)}</td>
                <td>{segment.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No transcript published yet.</p>
      )}
    </Layout>
  );
}
