import type Database from 'better-sqlite3';
import type { IndexEntry, IndexedRecording, RecordingFilter, RecordingIndex } from './recording-index.ts';
import { toLedgerRow, type RecordingRow as Row } from './ledger-rows.ts';
import { searchTerms } from './search-terms.ts';

const DAY_MS = 86_400_000;

interface IndexColumns {
  call_time: string | null;
  agent: string | null;
  campaign: string | null;
  caller: string | null;
}

/**
 * RecordingIndex on the SQLite ledger: `transcript_index` (one row per recording id) and the
 * FTS5 table `transcript_text` sharing its rowid. Filters and search run in SQL with bound
 * parameters only; the user's words become quoted FTS5 prefix terms, so no query syntax leaks in.
 */
export class SqliteRecordingIndex implements RecordingIndex {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {}

  async put(entry: IndexEntry): Promise<void> {
    const callMs = entry.callTime === undefined ? null : Date.parse(entry.callTime);
    this.db.transaction(() => {
      const { entry: rowid } = this.db
        .prepare(
          `INSERT INTO transcript_index (recording_id, call_time, call_ms, agent, campaign, caller, indexed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (recording_id) DO UPDATE SET call_time = excluded.call_time, call_ms = excluded.call_ms,
             agent = excluded.agent, campaign = excluded.campaign, caller = excluded.caller, indexed_at = excluded.indexed_at
           RETURNING entry`,
        )
        .get(entry.id, entry.callTime ?? null, Number.isFinite(callMs) ? callMs : null, entry.agent ?? null, entry.campaign ?? null, entry.caller ?? null, this.now()) as {
        entry: number;
      };
      this.db.prepare('DELETE FROM transcript_text WHERE rowid = ?').run(rowid);
      this.db.prepare('INSERT INTO transcript_text (rowid, text) VALUES (?, ?)').run(rowid, entry.text);
    }).immediate();
  }

  async size(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM transcript_index').get() as { n: number }).n;
  }

  async list(filter: RecordingFilter, page: { offset: number; limit: number }): Promise<{ items: IndexedRecording[]; total: number }> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.state) {
      where.push('r.state = ?');
      params.push(filter.state);
    }
    const day = (value: string | undefined) => (value === undefined ? NaN : Date.parse(`${value}T00:00:00Z`));
    const from = day(filter.fromDay);
    const to = day(filter.toDay);
    if (Number.isFinite(from)) {
      where.push('COALESCE(t.call_ms, r.discovered_at) >= ?');
      params.push(from);
    }
    if (Number.isFinite(to)) {
      where.push('COALESCE(t.call_ms, r.discovered_at) < ?');
      params.push(to + DAY_MS);
    }
    if (filter.agent) {
      // instr, not LIKE: the user's % and _ are plain characters
      where.push('instr(lower(t.agent), lower(?)) > 0');
      params.push(filter.agent);
    }
    if (filter.campaign) {
      where.push('t.campaign = ?');
      params.push(filter.campaign);
    }
    const terms = filter.text === undefined ? undefined : searchTerms(filter.text);
    if (terms !== undefined) {
      if (terms.length === 0) return { items: [], total: 0 };
      where.push('t.entry IN (SELECT rowid FROM transcript_text WHERE transcript_text MATCH ?)');
      params.push(terms.map((term) => `"${term}"*`).join(' '));
    }
    const from_ = `FROM recordings r LEFT JOIN transcript_index t ON t.recording_id = r.id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n ${from_}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT r.*, t.call_time, t.agent, t.campaign, t.caller ${from_} ORDER BY r.seq DESC LIMIT ? OFFSET ?`)
      .all(...params, page.limit, page.offset) as Array<Row & IndexColumns>;
    return {
      total,
      items: rows.map((r) => ({
        row: toLedgerRow(r),
        callTime: r.call_time ?? undefined,
        agent: r.agent ?? undefined,
        campaign: r.campaign ?? undefined,
        caller: r.caller ?? undefined,
      })),
    };
  }

  async entry(id: string): Promise<Omit<IndexEntry, 'text'> | undefined> {
    const r = this.db.prepare('SELECT recording_id, call_time, agent, campaign, caller FROM transcript_index WHERE recording_id = ?').get(id) as
      | (IndexColumns & { recording_id: string })
      | undefined;
    if (!r) return undefined;
    return { id: r.recording_id, callTime: r.call_time ?? undefined, agent: r.agent ?? undefined, campaign: r.campaign ?? undefined, caller: r.caller ?? undefined };
  }

  async facets(limit: number): Promise<{ agents: string[]; campaigns: string[] }> {
    const column = (name: 'agent' | 'campaign') =>
      (this.db.prepare(`SELECT DISTINCT ${name} AS v FROM transcript_index WHERE ${name} IS NOT NULL ORDER BY ${name} LIMIT ?`).all(limit) as Array<{ v: string }>).map(
        (r) => r.v,
      );
    return { agents: column('agent'), campaigns: column('campaign') };
  }
}
