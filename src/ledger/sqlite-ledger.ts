import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ClaimedFile, FoundFile, RecordingState, SourceKind } from '../recording.ts';
import type { IdentityResult, Ledger, LedgerRow, LedgerStatus } from './ledger.ts';
import { RECORDING_STATES, toClaimedFile, toLedgerRow, type RecordingRow as Row } from './ledger-rows.ts';
import { migrateSqlite } from './sqlite-migrations.ts';
import type { SourceHistory } from './source-history.ts';
import { SqliteSourceHistory } from './sqlite-source-history.ts';
import type { RecordingIndex } from './recording-index.ts';
import { SqliteRecordingIndex } from './sqlite-recording-index.ts';

/**
 * The ledger on better-sqlite3 (WAL, synchronous=NORMAL): one process owns the file.
 * Every method is one prepared statement or one short transaction; better-sqlite3 is
 * synchronous, so the promises resolve at once.
 */
export class SqliteLedger implements Ledger {
  private readonly db: Database.Database;
  private readonly owner: string;
  private readonly now: () => number;
  private readonly stmt;

  /** `busyTimeoutMs`: how long a write waits for another connection's lock before SQLITE_BUSY; default 5000. */
  constructor(file: string, options: { owner?: string; now?: () => number; busyTimeoutMs?: number } = {}) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL');
    // call history is personal data; SQLite gives -wal and -shm the database file's mode
    if (file !== ':memory:') for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
    this.db.pragma('synchronous = NORMAL');
    migrateSqlite(this.db);
    this.owner = options.owner ?? `pid-${process.pid}`;
    this.now = options.now ?? Date.now;
    const db = this.db;
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO recordings (source, path, relative_path, file_name, size, mtime_ms, state, owner, discovered_at, updated_at)
         VALUES (@source, @path, @relativePath, @fileName, @size, @mtimeMs, 'pending', @owner, @now, @now)
         ON CONFLICT (source, path, size, mtime_ms) DO NOTHING`,
      ),
      takePending: db.prepare(
        `UPDATE recordings SET owner = ?, updated_at = ? WHERE source = ? AND path = ? AND size = ? AND mtime_ms = ?
         AND state = 'pending' AND owner IS NULL RETURNING *`,
      ),
      byKey: db.prepare('SELECT state, owner FROM recordings WHERE source = ? AND path = ? AND size = ? AND mtime_ms = ?'),
      claimPending: db.prepare(
        `UPDATE recordings SET owner = ?, updated_at = ? WHERE state = 'pending' AND owner IS NULL RETURNING *`,
      ),
      bySeq: db.prepare('SELECT * FROM recordings WHERE seq = ?'),
      recover: db.prepare(
        `UPDATE recordings SET state = 'pending', owner = NULL, updated_at = ? WHERE state IN ('pending', 'processing')
         AND (owner IS NOT NULL OR state = 'processing')`,
      ),
      release: db.prepare(
        `UPDATE recordings SET state = 'pending', owner = NULL, attempts = MAX(0, attempts - ?), updated_at = ? WHERE seq = ?`,
      ),
      begin: db.prepare(
        `UPDATE recordings SET state = 'processing', owner = ?, attempts = attempts + 1, updated_at = ? WHERE seq = ? RETURNING attempts`,
      ),
      setLocalPath: db.prepare('UPDATE recordings SET local_path = ?, updated_at = ? WHERE seq = ?'),
      setIdentity: db.prepare('UPDATE recordings SET sha256 = ?, id = ?, updated_at = ? WHERE seq = ?'),
      sameContent: db.prepare(
        `SELECT id FROM recordings WHERE id = ? AND seq <> ? AND state IN ('done', 'processing') LIMIT 1`,
      ),
      checkpoints: db.prepare('SELECT name, value FROM checkpoints WHERE recording_id = ?'),
      saveCheckpoint: db.prepare(
        `INSERT INTO checkpoints (recording_id, name, value, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (recording_id, name) DO UPDATE SET value = excluded.value, at = excluded.at`,
      ),
      noteError: db.prepare('UPDATE recordings SET stage = ?, last_error = ?, updated_at = ? WHERE seq = ?'),
      setAttention: db.prepare('UPDATE recordings SET attention = ?, updated_at = ? WHERE seq = ?'),
      finish: db.prepare(
        `UPDATE recordings SET state = ?, owner = NULL, duplicate_of = ?, stage = NULL, last_error = NULL, retry_at = NULL,
         sweeps = 0, updated_at = ?, finished_at = ? WHERE seq = ?`,
      ),
      fail: db.prepare(
        `UPDATE recordings SET state = 'failed', owner = NULL, stage = ?, last_error = ?, retry_at = ?, updated_at = ?, finished_at = ? WHERE seq = ?`,
      ),
      sweep: db.prepare(
        `UPDATE recordings SET state = 'pending', owner = NULL, attempts = 0, retry_at = NULL, sweeps = sweeps + 1, finished_at = NULL, updated_at = ?
         WHERE state = 'failed' AND retry_at IS NOT NULL AND retry_at <= ?`,
      ),
      failed: db.prepare(`SELECT * FROM recordings WHERE state = 'failed' ORDER BY updated_at DESC`),
      retry: db.prepare(
        `UPDATE recordings SET state = 'pending', owner = NULL, attempts = 0, retry_at = NULL, sweeps = 0, finished_at = NULL, updated_at = ?
         WHERE seq = ? AND state = 'failed' RETURNING *`,
      ),
      counts: db.prepare('SELECT state, COUNT(*) AS n FROM recordings GROUP BY state'),
      latestFailures: db.prepare(`SELECT * FROM recordings WHERE state = 'failed' ORDER BY updated_at DESC LIMIT ?`),
      attention: db.prepare(`SELECT * FROM recordings WHERE attention IS NOT NULL ORDER BY updated_at DESC LIMIT ?`),
      oldestPending: db.prepare(`SELECT MIN(discovered_at) AS t FROM recordings WHERE state IN ('pending', 'processing')`),
      ping: db.prepare('SELECT 1'),
    };
  }

  async recover(): Promise<number> {
    return this.stmt.recover.run(this.now()).changes;
  }

  async claim(found: FoundFile): Promise<ClaimedFile | undefined> {
    const now = this.now();
    const params = { ...found, owner: this.owner, now };
    const claimed = this.db.transaction((): Row | undefined => {
      // look up first: a poll of thousands of known files must be reads only
      const known = this.stmt.byKey.get(found.source, found.path, found.size, found.mtimeMs) as Pick<Row, 'state' | 'owner'> | undefined;
      if (known) {
        if (known.state !== 'pending' || known.owner !== null) return undefined;
        return this.stmt.takePending.get(this.owner, now, found.source, found.path, found.size, found.mtimeMs) as Row | undefined;
      }
      const inserted = this.stmt.insert.run(params);
      return inserted.changes === 1 ? (this.stmt.bySeq.get(inserted.lastInsertRowid) as Row) : undefined;
      // IMMEDIATE: a read that later writes would get SQLITE_BUSY at once, without waiting, under another writer
    }).immediate();
    if (!claimed) return undefined;
    return { ...found, seq: claimed.seq, attempts: claimed.attempts };
  }

  async claimPending(): Promise<ClaimedFile[]> {
    const rows = this.stmt.claimPending.all(this.owner, this.now()) as Row[];
    return rows.sort((a, b) => a.seq - b.seq).map(toClaimedFile);
  }

  async release(seq: number, options: { refund?: boolean } = {}): Promise<void> {
    this.stmt.release.run(options.refund ? 1 : 0, this.now(), seq);
  }

  async begin(seq: number): Promise<number> {
    const row = this.stmt.begin.get(this.owner, this.now(), seq) as { attempts: number } | undefined;
    if (!row) throw new Error(`ledger has no recording #${seq}`);
    return row.attempts;
  }

  async setLocalPath(seq: number, localPath: string): Promise<void> {
    this.stmt.setLocalPath.run(localPath, this.now(), seq);
  }

  async setIdentity(seq: number, sha256: string, id: string): Promise<IdentityResult> {
    return this.db.transaction((): IdentityResult => {
      this.stmt.setIdentity.run(sha256, id, this.now(), seq);
      const other = this.stmt.sameContent.get(id, seq) as { id: string } | undefined;
      return other ? { duplicateOf: other.id } : {};
    }).immediate();
  }

  async checkpoints(id: string): Promise<Map<string, string>> {
    const rows = this.stmt.checkpoints.all(id) as Array<{ name: string; value: string }>;
    return new Map(rows.map((r) => [r.name, r.value]));
  }

  async saveCheckpoint(id: string, name: string, value: string): Promise<void> {
    this.stmt.saveCheckpoint.run(id, name, value, this.now());
  }

  async noteError(seq: number, stage: string, error: string): Promise<void> {
    this.stmt.noteError.run(stage, error, this.now(), seq);
  }

  async setAttention(seq: number, reason: string | undefined): Promise<void> {
    this.stmt.setAttention.run(reason ?? null, this.now(), seq);
  }

  async finish(seq: number, state: 'done' | 'duplicate' | 'skipped', details: { duplicateOf?: string } = {}): Promise<void> {
    const now = this.now();
    this.stmt.finish.run(state, details.duplicateOf ?? null, now, now, seq);
  }

  async fail(seq: number, stage: string, error: string, options: { retryAt?: number } = {}): Promise<void> {
    const now = this.now();
    this.stmt.fail.run(stage, error, options.retryAt ?? null, now, now, seq);
  }

  async sweep(): Promise<number> {
    const now = this.now();
    return this.stmt.sweep.run(now, now).changes;
  }

  async get(seq: number): Promise<LedgerRow | undefined> {
    const row = this.stmt.bySeq.get(seq) as Row | undefined;
    return row && toLedgerRow(row);
  }

  async erase(id: string): Promise<number> {
    const now = this.now();
    // overwrite what is deleted with zeros, and fold the WAL back, so the file names (and the
    // caller's number in them) do not linger in free pages or old WAL frames
    this.db.pragma('secure_delete = ON');
    const changed = this.db.transaction(() => {
      // `audio-redacted` stays: only times of muted spans, and a duplicate of this audio needs them
      this.db.prepare(`DELETE FROM checkpoints WHERE recording_id = ? AND name <> 'audio-redacted'`).run(id);
      // moves are checkpointed per row (`#<seq>`) and hold the file's paths
      this.db.prepare(`DELETE FROM checkpoints WHERE recording_id IN (SELECT '#' || seq FROM recordings WHERE id = ?)`).run(id);
      // the console's search index holds the caller and the (redacted) words
      this.db.prepare('DELETE FROM transcript_text WHERE rowid IN (SELECT entry FROM transcript_index WHERE recording_id = ?)').run(id);
      this.db.prepare('DELETE FROM transcript_index WHERE recording_id = ?').run(id);
      this.stmt.saveCheckpoint.run(id, 'erased', new Date(now).toISOString(), now);
      return this.db
        .prepare(
          `UPDATE recordings SET path = '[erased]/' || seq, relative_path = '[erased]', file_name = '[erased]',
             local_path = NULL, last_error = NULL, attention = NULL, updated_at = ? WHERE id = ?`,
        )
        .run(now, id).changes;
    })();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return changed;
  }

  async compact(): Promise<void> {
    // secure_delete still leaves pieces of rewritten index cells behind; rebuilding the file is
    // what removes them (erasure is rare; VACUUM waits up to busy_timeout for a running service)
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async find(ids: string[]): Promise<LedgerRow[]> {
    if (ids.length === 0) return [];
    const seqs = ids.filter((v) => /^\d+$/.test(v)).map(Number);
    const rows = this.db
      .prepare(
        `SELECT * FROM recordings WHERE id IN (${ids.map(() => '?').join(',')})
         OR seq IN (${seqs.length ? seqs.map(() => '?').join(',') : 'NULL'}) ORDER BY seq`,
      )
      .all(...ids, ...seqs) as Row[];
    return rows.map(toLedgerRow);
  }

  async failedRows(): Promise<LedgerRow[]> {
    return (this.stmt.failed.all() as Row[]).map(toLedgerRow);
  }

  async retry(seqs: number[]): Promise<LedgerRow[]> {
    const now = this.now();
    return this.db.transaction(() =>
      seqs.flatMap((seq) => {
        const row = this.stmt.retry.get(now, seq) as Row | undefined;
        return row ? [toLedgerRow(row)] : [];
      }),
    ).immediate();
  }

  async status(options: { failures?: number } = {}): Promise<LedgerStatus> {
    const counts = Object.fromEntries(RECORDING_STATES.map((s) => [s, 0])) as Record<RecordingState, number>;
    for (const { state, n } of this.stmt.counts.all() as Array<{ state: RecordingState; n: number }>) counts[state] = n;
    const limit = options.failures ?? 10;
    return {
      counts,
      latestFailures: (this.stmt.latestFailures.all(limit) as Row[]).map(toLedgerRow),
      needsAttention: (this.stmt.attention.all(limit) as Row[]).map(toLedgerRow),
      oldestPendingAgeSeconds: await this.oldestPendingAgeSeconds(),
    };
  }

  async oldestPendingAgeSeconds(): Promise<number> {
    const { t } = this.stmt.oldestPending.get() as { t: number | null };
    return t === null ? 0 : Math.max(0, (this.now() - t) / 1000);
  }

  sourceHistory(source: SourceKind): SourceHistory {
    return new SqliteSourceHistory(this.db, source, this.now);
  }

  recordingIndex(): RecordingIndex {
    return new SqliteRecordingIndex(this.db, this.now);
  }

  async ping(): Promise<void> {
    this.stmt.ping.get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
