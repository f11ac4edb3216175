import type Database from 'better-sqlite3';
import type { RecordingState, SourceKind } from '../recording.ts';
import { fileKey, type SourceHistory, type WalkRecord } from './source-history.ts';

/** {@link SourceHistory} in the SQLite ledger's own database (tables `source_walks`, `settled_folders`). */
export class SqliteSourceHistory implements SourceHistory {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly source: SourceKind,
    private readonly now: () => number = Date.now,
  ) {
    this.stmt = {
      readRecord: db.prepare<[string], { record: string }>('SELECT record FROM source_walks WHERE source = ?'),
      writeRecord: db.prepare(
        `INSERT INTO source_walks (source, record, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (source) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
      ),
      settled: db.prepare<[string], { folder: string }>('SELECT folder FROM settled_folders WHERE source = ?'),
      settle: db.prepare('INSERT OR REPLACE INTO settled_folders (source, folder, settled_at) VALUES (?, ?, ?)'),
      unsettle: db.prepare('DELETE FROM settled_folders WHERE source = ? AND folder = ?'),
      // '/' + 1 is '0': the range is exactly the paths below the folder, served by the unique index
      under: db.prepare<[string, string, string], { path: string; size: number; mtime_ms: number; state: RecordingState }>(
        'SELECT path, size, mtime_ms, state FROM recordings WHERE source = ? AND path > ? AND path < ?',
      ),
    };
    this.updateFolders = db.transaction((settled: readonly string[], unsettled: readonly string[]) => {
      const at = this.now();
      for (const folder of settled) this.stmt.settle.run(this.source, folder, at);
      for (const folder of unsettled) this.stmt.unsettle.run(this.source, folder);
    }) as unknown as SourceHistory['updateFolders'];
  }

  readonly updateFolders: SourceHistory['updateFolders'];

  async readRecord(): Promise<WalkRecord> {
    const row = this.stmt.readRecord.get(this.source);
    return row ? (JSON.parse(row.record) as WalkRecord) : {};
  }

  async writeRecord(record: WalkRecord): Promise<void> {
    this.stmt.writeRecord.run(this.source, JSON.stringify(record), this.now());
  }

  async settledFolders(): Promise<Set<string>> {
    return new Set(this.stmt.settled.all(this.source).map((row) => row.folder));
  }

  async fileStatesUnder(folderPath: string): Promise<Map<string, RecordingState>> {
    const prefix = folderPath.replace(/\/+$/, '');
    const rows = this.stmt.under.all(this.source, `${prefix}/`, `${prefix}0`);
    return new Map(rows.map((row) => [fileKey({ path: row.path, size: row.size, mtimeMs: row.mtime_ms }), row.state]));
  }
}
