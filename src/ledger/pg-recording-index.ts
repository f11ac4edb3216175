import type { QueryResult, QueryResultRow } from 'pg';
import { toLedgerRow, type RecordingRow } from './ledger-rows.ts';
import type { IndexEntry, IndexedRecording, RecordingFilter, RecordingIndex } from './recording-index.ts';
import { searchTerms } from './search-terms.ts';

type Query = <T extends QueryResultRow>(text: string, values: unknown[]) => Promise<QueryResult<T>>;

const DAY_MS = 86_400_000;

interface IndexColumns {
  call_time: string | null;
  agent: string | null;
  campaign: string | null;
  caller: string | null;
}

/**
 * {@link RecordingIndex} in the PostgreSQL ledger: `transcript_index` with a generated `tsvector`
 * (the `simple` configuration: lower-cased words, no stemming) under a GIN index. The user's words
 * become `word:*` prefix lexemes joined by `&`; they hold only letters and digits (searchTerms), so
 * no tsquery syntax can come from the request.
 */
export class PgRecordingIndex implements RecordingIndex {
  constructor(private readonly query: Query) {}

  async put(entry: IndexEntry): Promise<void> {
    const callMs = entry.callTime === undefined ? NaN : Date.parse(entry.callTime);
    await this.query(
      `INSERT INTO transcript_index (recording_id, call_time, call_ms, agent, campaign, caller, text, indexed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (recording_id) DO UPDATE SET call_time = excluded.call_time, call_ms = excluded.call_ms, agent = excluded.agent,
         campaign = excluded.campaign, caller = excluded.caller, text = excluded.text, indexed_at = excluded.indexed_at`,
      [entry.id, entry.callTime ?? null, Number.isFinite(callMs) ? callMs : null, entry.agent ?? null, entry.campaign ?? null, entry.caller ?? null, entry.text, Date.now()],
    );
  }

  async size(): Promise<number> {
    return (await this.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM transcript_index', [])).rows[0]!.n;
  }

  async list(filter: RecordingFilter, page: { offset: number; limit: number }): Promise<{ items: IndexedRecording[]; total: number }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: (n: string) => string, value: unknown) => {
      values.push(value);
      where.push(clause(`$${values.length}`));
    };
    if (filter.state) add((n) => `r.state = ${n}`, filter.state);
    const day = (value: string | undefined) => (value === undefined ? NaN : Date.parse(`${value}T00:00:00Z`));
    const from = day(filter.fromDay);
    const to = day(filter.toDay);
    if (Number.isFinite(from)) add((n) => `COALESCE(t.call_ms, r.discovered_at) >= ${n}`, from);
    if (Number.isFinite(to)) add((n) => `COALESCE(t.call_ms, r.discovered_at) < ${n}`, to + DAY_MS);
    if (filter.agent) add((n) => `strpos(lower(t.agent), lower(${n})) > 0`, filter.agent);
    if (filter.campaign) add((n) => `t.campaign = ${n}`, filter.campaign);
    if (filter.text !== undefined) {
      const terms = searchTerms(filter.text);
      if (terms.length === 0) return { items: [], total: 0 };
      add((n) => `t.search @@ to_tsquery('simple', ${n})`, terms.map((term) => `${term}:*`).join(' & '));
    }
    const from_ = `FROM recordings r LEFT JOIN transcript_index t ON t.recording_id = r.id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const total = (await this.query<{ n: number }>(`SELECT COUNT(*)::int AS n ${from_}`, values)).rows[0]!.n;
    const rows = await this.query<RecordingRow & IndexColumns>(
      `SELECT r.*, t.call_time, t.agent, t.campaign, t.caller ${from_} ORDER BY r.seq DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      [...values, page.limit, page.offset],
    );
    return {
      total,
      items: rows.rows.map((r) => ({
        row: toLedgerRow(r),
        callTime: r.call_time ?? undefined,
        agent: r.agent ?? undefined,
        campaign: r.campaign ?? undefined,
        caller: r.caller ?? undefined,
      })),
    };
  }

  async entry(id: string): Promise<Omit<IndexEntry, 'text'> | undefined> {
    const r = (await this.query<IndexColumns & { recording_id: string }>('SELECT recording_id, call_time, agent, campaign, caller FROM transcript_index WHERE recording_id = $1', [id]))
      .rows[0];
    if (!r) return undefined;
    return { id: r.recording_id, callTime: r.call_time ?? undefined, agent: r.agent ?? undefined, campaign: r.campaign ?? undefined, caller: r.caller ?? undefined };
  }

  async facets(limit: number): Promise<{ agents: string[]; campaigns: string[] }> {
    const column = async (name: 'agent' | 'campaign') =>
      (await this.query<{ v: string }>(`SELECT DISTINCT ${name} AS v FROM transcript_index WHERE ${name} IS NOT NULL ORDER BY ${name} LIMIT $1`, [limit])).rows.map((r) => r.v);
    return { agents: await column('agent'), campaigns: await column('campaign') };
  }
}
