/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { IndexedRecording, RecordingFilter } from '../../ledger/recording-index.ts';
import { consoleQueryString, STATES } from './console-query.ts';
import { utcTime } from './display.ts';
import { CsrfField, Layout, StateBadge } from './layout.tsx';

export interface RecordingsPageProps {
  items: IndexedRecording[];
  total: number;
  filter: RecordingFilter;
  page: number;
  pageSize: number;
  facets: { agents: string[]; campaigns: string[] };
  failedCount: number;
  csrf: string;
  notice?: string;
}

/** `/`: the recordings, newest first, with filters, full-text search, pagination and the retry actions. */
export function RecordingsPage(props: RecordingsPageProps) {
  const { filter, page, pageSize, total } = props;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const back = `/${consoleQueryString(filter, page)}`;
  return (
    <Layout title="Recordings" notice={props.notice}>
      <h1>Recordings</h1>
      <form class="filters" method="get" action="/" role="search">
        <label>
          Search transcripts
          <input type="search" name="q" value={filter.text ?? ''} placeholder="words in the redacted text" />
        </label>
        <label>
          State
          <select name="state">
            <option value="">any</option>
            {STATES.map((s) => (
              <option value={s} selected={filter.state === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={filter.fromDay ?? ''} />
        </label>
        <label>
          To
          <input type="date" name="to" value={filter.toDay ?? ''} />
        </label>
        <label>
          Agent
          <input type="text" name="agent" value={filter.agent ?? ''} list="agents" />
        </label>
        <label>
          Campaign
          <input type="text" name="campaign" value={filter.campaign ?? ''} list="campaigns" />
        </label>
        <datalist id="agents">
          {props.facets.agents.map((a) => (
            <option value={a} />
          ))}
        </datalist>
        <datalist id="campaigns">
          {props.facets.campaigns.map((c) => (
            <option value={c} />
          ))}
        </datalist>
        <button type="submit">Apply</button>
        <a href="/">Clear</a>
      </form>
      <div class="actions">
        <form class="inline" method="post" action="/actions/retry-failed">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="back" value={back} />
          <button type="submit" disabled={props.failedCount === 0}>
            Retry all failed ({props.failedCount})
          </button>
        </form>
      </div>
      <p class="muted" id="count">
        {total} recording{total === 1 ? '' : 's'}
        {total > 0 ? `, page ${page} of ${pages}` : ''}
      </p>
      <div class="scroll">
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>File</th>
            <th>State</th>
            <th>Stage</th>
            <th>Reason</th>
            <th>Needs attention</th>
            <th>Call time</th>
            <th>Agent</th>
            <th>Campaign</th>
            <th>Caller</th>
            <th>Attempts</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {props.items.map(({ row, ...meta }) => (
            <tr data-seq={String(row.seq)} data-state={row.state}>
              <td>
                <a href={`/recordings/${row.seq}`}>{row.id ?? `#${row.seq}`}</a>
              </td>
              <td>
                <a href={`/recordings/${row.seq}`}>{row.fileName}</a>
              </td>
              <td>
                <StateBadge state={row.state} />
              </td>
              <td>{row.stage ?? ''}</td>
              <td class="reason">{row.lastError ?? ''}</td>
              <td class="attention">{row.attention ?? ''}</td>
              <td class="nowrap">{utcTime(meta.callTime)}</td>
              <td>{meta.agent ?? ''}</td>
              <td>{meta.campaign ?? ''}</td>
              <td>{meta.caller ?? ''}</td>
              <td>{row.attempts}</td>
              <td>
                {row.state === 'failed' ? (
                  <form class="inline" method="post" action={`/recordings/${row.seq}/retry`}>
                    <CsrfField token={props.csrf} />
                    <input type="hidden" name="back" value={back} />
                    <button type="submit">Retry</button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <nav class="pager" aria-label="pages">
        {page > 1 ? <a href={`/${consoleQueryString(filter, page - 1)}`} rel="prev">← newer</a> : null}
        {page < pages ? <a href={`/${consoleQueryString(filter, page + 1)}`} rel="next">older →</a> : null}
      </nav>
    </Layout>
  );
}
