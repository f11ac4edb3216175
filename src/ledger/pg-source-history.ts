import type { QueryResult, QueryResultRow } from 'pg';
import type { RecordingState, SourceKind } from '../recording.ts';
import { fileKey, type SourceHistory, type WalkRecord } from './source-history.ts';

type Query = <T extends QueryResultRow>(text: string, values: unknown[]) => Promise<QueryResult<T>>;

/** {@link SourceHistory} in the PostgreSQL ledger: one record and one settled set shared by every instance. */
export class PgSourceHistory implements SourceHistory {
  constructor(
    private readonly query: Query,
    private readonly source: SourceKind,
  ) {}

  async readRecord(): Promise<WalkRecord> {
    const result = await this.query<{ record: string }>('SELECT record FROM source_walks WHERE source = $1', [this.source]);
    return result.rows[0] ? (JSON.parse(result.rows[0].record) as WalkRecord) : {};
  }

  async writeRecord(record: WalkRecord): Promise<void> {
    await this.query(
      `INSERT INTO source_walks (source, record, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (source) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
      [this.source, JSON.stringify(record), Date.now()],
    );
  }

  async settledFolders(): Promise<Set<string>> {
    const result = await this.query<{ folder: string }>('SELECT folder FROM settled_folders WHERE source = $1', [this.source]);
    return new Set(result.rows.map((row) => row.folder));
  }

  async updateFolders(settled: readonly string[], unsettled: readonly string[]): Promise<void> {
    if (settled.length > 0) {
      await this.query(
        `INSERT INTO settled_folders (source, folder, settled_at) SELECT $1, unnest($2::text[]), $3
         ON CONFLICT (source, folder) DO UPDATE SET settled_at = excluded.settled_at`,
        [this.source, settled, Date.now()],
      );
    }
    if (unsettled.length > 0) await this.query('DELETE FROM settled_folders WHERE source = $1 AND folder = ANY($2)', [this.source, unsettled]);
  }

  async fileStatesUnder(folderPath: string): Promise<Map<string, RecordingState>> {
    const prefix = folderPath.replace(/\/+$/, '');
    // C-collation range, like the SQLite ledger: exactly the paths below the folder
    const result = await this.query<{ path: string; size: number; mtime_ms: number; state: RecordingState }>(
      `SELECT path, size, mtime_ms, state FROM recordings WHERE source = $1 AND path COLLATE "C" > $2 AND path COLLATE "C" < $3`,
      [this.source, `${prefix}/`, `${prefix}0`],
    );
    return new Map(result.rows.map((row) => [fileKey({ path: row.path, size: Number(row.size), mtimeMs: Number(row.mtime_ms) }), row.state]));
  }
}
