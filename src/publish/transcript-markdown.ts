import type { Segment, TranscriptDocument } from '../recording.ts';
import { codeSpan, escapeMarkdown } from './escape-markdown.ts';
import { insightsMarkdown, talkSummary } from '../insights/insights-markdown.ts';

/** `mm:ss` (or `h:mm:ss` past an hour) of a time in seconds. */
export function clock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** Who speaks, as people read it: `Agent`, `Caller`, a diarizing model's `Speaker A`, or nobody known. */
export function speakerName(segment: Segment): string | undefined {
  if (segment.speaker) return segment.speaker === 'agent' ? 'Agent' : 'Caller';
  if (segment.speakerLabel) return `Speaker ${segment.speakerLabel}`;
  return undefined;
}

/** One transcript line as people read it: `[mm:ss] Agent: text` (or `Speaker A:` from a diarizing model). */
export function transcriptLine(segment: Segment): string {
  const name = speakerName(segment);
  return `[${clock(segment.start)}] ${name ? `${name}: ` : ''}${segment.text.trim()}`;
}

/** `transcriptLine` for Markdown: the speech is text, whatever characters it holds. */
function markdownLine(segment: Segment): string {
  const name = speakerName(segment);
  // `[mm:ss]` stays as documented: brackets not followed by `(` or `:` link to nothing
  return `[${clock(segment.start)}] ${name ? `${escapeMarkdown(name)}: ` : ''}${escapeMarkdown(segment.text.trim())}`;
}

/** The Markdown twin of `transcripts/<id>.json`; every value from outside is escaped. */
export function transcriptMarkdown(doc: TranscriptDocument): string {
  const call = doc.call;
  const text = (value: string | undefined) => (value === undefined ? undefined : escapeMarkdown(value));
  const facts: Array<[string, string | undefined]> = [
    ['Recording ID', codeSpan(doc.id)],
    ['Source', `${text(doc.source)} — ${codeSpan(doc.sourcePath)}`],
    ['Call time (UTC)', text(call.callTime)],
    ['Caller', text(call.caller)],
    ['Agent', text(call.agent)],
    ['Campaign', text(call.campaign)],
    ['Interaction ID', text(call.interactionId)],
    ['Leg', text(call.leg && (call.ivrModule ? `${call.leg} (${call.ivrModule})` : call.leg))],
    [
      'Audio',
      `${clock(doc.audio.durationSeconds)} · ${doc.audio.channels === 2 ? 'stereo' : `${doc.audio.channels} channel`} · ${doc.audio.sampleRate} Hz · ${escapeMarkdown(doc.audio.codec)}`,
    ],
    ['Model', text(doc.model)],
    ['Language', text(doc.language)],
    ['Redacted', Object.entries(doc.redactions).map(([k, n]) => `${n} × ${k}`).join(', ') || undefined],
    ['Talk', doc.talk ? talkSummary(doc.talk) : undefined],
  ];
  const lines = [`# ${escapeMarkdown(doc.fileName)}`, ''];
  if (doc.needsAttention) lines.push(`> **Needs attention:** ${escapeMarkdown(doc.needsAttention)}`, '');
  for (const [label, value] of facts) if (value) lines.push(`- **${label}:** ${value}`);
  lines.push('', ...insightsMarkdown(doc));
  lines.push('## Transcript', '');
  if (doc.segments.length === 0) lines.push('_No speech was recognised._');
  for (const segment of doc.segments) lines.push(markdownLine(segment), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
