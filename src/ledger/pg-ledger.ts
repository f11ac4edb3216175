import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { ClaimedFile, FoundFile, RecordingState, SourceKind } from '../recording.ts';
import { classifyPgError } from './classify-pg-error.ts';
import type { IdentityResult, InstanceRow, Ledger, LedgerGauges, LedgerRow, LedgerStatus } from './ledger.ts';
import { PgRecordingIndex } from './pg-recording-index.ts';
import type { RecordingIndex } from './recording-index.ts';
import { RECORDING_STATES, toClaimedFile, toLedgerRow, type RecordingRow } from './ledger-rows.ts';
import { LeaseLostError } from './lease-lost-error.ts';
import { migratePostgres } from './pg-migrations.ts';
import { PgSourceHistory } from './pg-source-history.ts';
import type { SourceHistory } from './source-history.ts';

/** Settings of a PostgreSQL ledger (DATABASE_URL, LEASE_MS, PG_POOL_MAX). */
export interface PgLedgerOptions {
  connectionString: string;
  /** `processor` registers an instance, holds leases and heartbeats; `reader` (status, retry, doctor) does not. */
  role: 'processor' | 'reader';
  /** How long a claim stays valid without a heartbeat; a dead instance's recordings resume after it. Default 30,000. */
  leaseMs?: number;
  /**
   * At most this many recordings held at once (claimed or in work); a file found beyond it is
   * recorded as pending for any instance (this one's next poll included) to take, so one instance
   * never hoards a backlog the others could work on. Unset: no cap (`run --once`).
   */
  maxHeld?: number;
  /** Pool size. Default 10. */
  poolMax?: number;
  /** Called once per recording this instance found taken over by another (metrics). */
  onLeaseLost?: (seq: number) => void;
}

// every lease comparison uses the database's clock: instances on several hosts disagree on theirs
const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
const CLAIMABLE = `((state = 'pending' AND owner IS NULL) OR (state IN ('pending', 'processing') AND owner IS NOT NULL AND lease_until < ${NOW_MS}))`;
const int8AsNumber = { getTypeParser: (oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) };

/**
 * The ledger on PostgreSQL, shared by several instances (each with its own DATA_DIR). Same meanings
 * as the SQLite ledger; on top, a recording is owned through a lease (owner id + expiry on the
 * database clock) renewed by a heartbeat, claims take only free or expired rows (`FOR UPDATE SKIP
 * LOCKED`), and every write for a recording checks the owner, so an instance whose lease was taken
 * over gets a LeaseLostError before it writes anything further.
 */
export class PgLedger implements Ledger {
  readonly owner: string;
  private readonly leaseMs: number;
  private heartbeat?: NodeJS.Timeout;
  private lastBeat = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgLedgerOptions,
  ) {
    this.owner = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  /** Connects, migrates under the advisory lock and, for a processor, registers and starts the heartbeat. */
  static async connect(options: PgLedgerOptions): Promise<PgLedger> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      types: int8AsNumber,
    });
    // an idle client losing its server must not crash the process: the next query reconnects
    pool.on('error', () => {});
    const ledger = new PgLedger(pool, options);
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client);
      } finally {
        client.release();
      }
      if (options.role === 'processor') await ledger.register();
    } catch (error) {
      await pool.end().catch(() => {});
      throw classifyPgError(error, 'connect');
    }
    return ledger;
  }

  async gauges(): Promise<LedgerGauges> {
    const held = await this.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM recordings WHERE owner = $1 AND state IN ('pending', 'processing')`,
      [this.owner],
      'gauges',
    );
    return {
      pool: { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount },
      leasesHeld: held.rows[0]?.n ?? 0,
    };
  }

  /** Recordings this instance holds now (claimed or in work). */
  private async held(): Promise<number> {
    const result = await this.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM recordings WHERE owner = $1 AND state IN ('pending', 'processing')`,
      [this.owner],
      'claim',
    );
    return result.rows[0]?.n ?? 0;
  }

  async confirmLease(seq: number): Promise<void> {
    await this.owned(seq, 'SELECT seq FROM recordings WHERE seq = $1 AND owner = $2', []);
  }

  async recover(): Promise<number> {
    // only what a dead instance left: its leases ran out. Live instances' work is theirs.
    const result = await this.query(
      `UPDATE recordings SET state = 'pending', owner = NULL, lease_until = NULL, updated_at = $1
       WHERE state IN ('pending', 'processing') AND owner IS NOT NULL AND lease_until < ${NOW_MS}`,
      [Date.now()],
      'recover',
    );
    return result.rowCount ?? 0;
  }

  async claim(found: FoundFile): Promise<ClaimedFile | undefined> {
    const key = [found.source, found.path, found.size, found.mtimeMs];
    // look up first: a poll of thousands of known files must be reads only
    const known = await this.query<{ claimable: boolean }>(
      `SELECT ${CLAIMABLE} AS claimable FROM recordings WHERE source = $1 AND path = $2 AND size = $3 AND mtime_ms = $4`,
      key,
      'claim',
    );
    const now = Date.now();
    if (known.rows[0] && !known.rows[0].claimable) return undefined;
    if (this.options.maxHeld !== undefined && (await this.held()) >= this.options.maxHeld) {
      // full: leave it pending and unowned, for whichever instance has room first
      if (!known.rows[0]) {
        await this.query(
          `INSERT INTO recordings (source, path, relative_path, file_name, size, mtime_ms, state, discovered_at, updated_at)
           VALUES ($1, $2, $5, $6, $3, $4, 'pending', $7, $7) ON CONFLICT (source, path, size, mtime_ms) DO NOTHING`,
          [...key, found.relativePath, found.fileName, now],
          'claim',
        );
      }
      return undefined;
    }
    if (known.rows[0]) {
      const taken = await this.query<RecordingRow>(
        `UPDATE recordings SET owner = $5, lease_until = ${NOW_MS} + $6, updated_at = $7
         WHERE source = $1 AND path = $2 AND size = $3 AND mtime_ms = $4 AND ${CLAIMABLE} RETURNING *`,
        [...key, this.owner, this.leaseMs, now],
        'claim',
      );
      return taken.rows[0] && toClaimedFile(taken.rows[0]);
    }
    const inserted = await this.query<RecordingRow>(
      `INSERT INTO recordings (source, path, relative_path, file_name, size, mtime_ms, state, owner, lease_until, discovered_at, updated_at)
       VALUES ($1, $2, $5, $6, $3, $4, 'pending', $7, ${NOW_MS} + $8, $9, $9)
       ON CONFLICT (source, path, size, mtime_ms) DO NOTHING RETURNING *`,
      [...key, found.relativePath, found.fileName, this.owner, this.leaseMs, now],
      'claim',
    );
    return inserted.rows[0] && toClaimedFile(inserted.rows[0]);
  }

  async claimPending(): Promise<ClaimedFile[]> {
    const room = this.options.maxHeld === undefined ? 500 : Math.min(500, this.options.maxHeld - (await this.held()));
    if (room <= 0) return [];
    const result = await this.query<RecordingRow>(
      `UPDATE recordings SET owner = $1, lease_until = ${NOW_MS} + $2, updated_at = $3
       WHERE seq IN (SELECT seq FROM recordings WHERE ${CLAIMABLE} ORDER BY seq LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [this.owner, this.leaseMs, Date.now(), room],
      'claim pending',
    );
    return result.rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map(toClaimedFile);
  }

  async release(seq: number, options: { refund?: boolean } = {}): Promise<void> {
    await this.query(
      `UPDATE recordings SET state = 'pending', owner = NULL, lease_until = NULL, attempts = GREATEST(0, attempts - $4), updated_at = $1
       WHERE seq = $2 AND owner = $3`,
      [Date.now(), seq, this.owner, options.refund ? 1 : 0],
      'release',
    );
  }

  async begin(seq: number): Promise<number> {
    const row = await this.owned<{ attempts: number }>(
      seq,
      `UPDATE recordings SET state = 'processing', attempts = attempts + 1, lease_until = ${NOW_MS} + $3, updated_at = $4
       WHERE seq = $1 AND owner = $2 RETURNING attempts`,
      [this.leaseMs, Date.now()],
    );
    return row.attempts;
  }

  async setLocalPath(seq: number, localPath: string): Promise<void> {
    await this.owned(seq, 'UPDATE recordings SET local_path = $3, updated_at = $4 WHERE seq = $1 AND owner = $2 RETURNING seq', [localPath, Date.now()]);
  }

  async setIdentity(seq: number, sha256: string, id: string): Promise<IdentityResult> {
    await this.owned(seq, 'UPDATE recordings SET sha256 = $3, id = $4, updated_at = $5 WHERE seq = $1 AND owner = $2 RETURNING seq', [sha256, id, Date.now()]);
    const other = await this.query<{ id: string }>(
      `SELECT id FROM recordings WHERE id = $1 AND seq <> $2 AND state IN ('done', 'processing') LIMIT 1`,
      [id, seq],
      'identity',
    );
    return other.rows[0] ? { duplicateOf: other.rows[0].id } : {};
  }

  async checkpoints(id: string): Promise<Map<string, string>> {
    const result = await this.query<{ name: string; value: string }>('SELECT name, value FROM checkpoints WHERE recording_id = $1', [id], 'checkpoints');
    return new Map(result.rows.map((r) => [r.name, r.value]));
  }

  async saveCheckpoint(id: string, name: string, value: string): Promise<void> {
    // written only while this instance holds a row of that content: a taken-over recording stops here
    const result = await this.query(
      `INSERT INTO checkpoints (recording_id, name, value, at)
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM recordings WHERE (id = $1 OR '#' || seq = $1) AND owner = $5)
       ON CONFLICT (recording_id, name) DO UPDATE SET value = excluded.value, at = excluded.at`,
      [id, name, value, Date.now(), this.owner],
      'save checkpoint',
    );
    if (result.rowCount === 0) this.lost(id);
  }

  async noteError(seq: number, stage: string, error: string): Promise<void> {
    await this.owned(seq, 'UPDATE recordings SET stage = $3, last_error = $4, updated_at = $5 WHERE seq = $1 AND owner = $2 RETURNING seq', [stage, error, Date.now()]);
  }

  async setAttention(seq: number, reason: string | undefined): Promise<void> {
    await this.owned(seq, 'UPDATE recordings SET attention = $3, updated_at = $4 WHERE seq = $1 AND owner = $2 RETURNING seq', [reason ?? null, Date.now()]);
  }

  async finish(seq: number, state: 'done' | 'duplicate' | 'skipped', details: { duplicateOf?: string } = {}): Promise<void> {
    const now = Date.now();
    await this.owned(
      seq,
      `UPDATE recordings SET state = $3, owner = NULL, lease_until = NULL, duplicate_of = $4, stage = NULL, last_error = NULL,
       retry_at = NULL, sweeps = 0, updated_at = $5, finished_at = $5 WHERE seq = $1 AND owner = $2 RETURNING seq`,
      [state, details.duplicateOf ?? null, now],
    );
  }

  async fail(seq: number, stage: string, error: string, options: { retryAt?: number } = {}): Promise<void> {
    const now = Date.now();
    await this.owned(
      seq,
      `UPDATE recordings SET state = 'failed', owner = NULL, lease_until = NULL, stage = $3, last_error = $4, retry_at = $5,
       updated_at = $6, finished_at = $6 WHERE seq = $1 AND owner = $2 RETURNING seq`,
      [stage, error, options.retryAt ?? null, now],
    );
  }

  async sweep(): Promise<number> {
    const now = Date.now();
    const result = await this.query(
      `UPDATE recordings SET state = 'pending', owner = NULL, lease_until = NULL, attempts = 0, retry_at = NULL, sweeps = sweeps + 1,
       finished_at = NULL, updated_at = $1 WHERE state = 'failed' AND retry_at IS NOT NULL AND retry_at <= $1`,
      [now],
      'sweep',
    );
    return result.rowCount ?? 0;
  }

  async get(seq: number): Promise<LedgerRow | undefined> {
    const result = await this.query<RecordingRow>('SELECT * FROM recordings WHERE seq = $1', [seq], 'get');
    return result.rows[0] && toLedgerRow(result.rows[0]);
  }

  async erase(id: string): Promise<number> {
    const now = Date.now();
    // one statement: checkpoints (but the erased marker and the muted spans a duplicate needs),
    // per-row move checkpoints, the console's index entry, and the file names (they start with
    // the caller's number); the rows and their audio hash stay
    const result = await this.query(
      `WITH rows AS (SELECT seq FROM recordings WHERE id = $1),
       dropped AS (DELETE FROM checkpoints
         WHERE (recording_id = $1 AND name NOT IN ('audio-redacted', 'erased')) OR recording_id IN (SELECT '#' || seq FROM rows)),
       unindexed AS (DELETE FROM transcript_index WHERE recording_id = $1),
       marked AS (INSERT INTO checkpoints (recording_id, name, value, at) VALUES ($1, 'erased', $2, $3)
         ON CONFLICT (recording_id, name) DO UPDATE SET value = excluded.value, at = excluded.at)
       UPDATE recordings SET path = '[erased]/' || seq, relative_path = '[erased]', file_name = '[erased]',
         local_path = NULL, last_error = NULL, attention = NULL, updated_at = $3 WHERE id = $1`,
      [id, new Date(now).toISOString(), now],
      'erase',
    );
    return result.rowCount ?? 0;
  }

  async find(ids: string[]): Promise<LedgerRow[]> {
    if (ids.length === 0) return [];
    const seqs = ids.filter((v) => /^\d{1,15}$/.test(v)).map(Number);
    const result = await this.query<RecordingRow>('SELECT * FROM recordings WHERE id = ANY($1) OR seq = ANY($2) ORDER BY seq', [ids, seqs], 'find');
    return result.rows.map(toLedgerRow);
  }

  async failedRows(): Promise<LedgerRow[]> {
    const result = await this.query<RecordingRow>(`SELECT * FROM recordings WHERE state = 'failed' ORDER BY updated_at DESC`, [], 'failed rows');
    return result.rows.map(toLedgerRow);
  }

  async retry(seqs: number[]): Promise<LedgerRow[]> {
    const result = await this.query<RecordingRow>(
      `UPDATE recordings SET state = 'pending', owner = NULL, lease_until = NULL, attempts = 0, retry_at = NULL, sweeps = 0,
       finished_at = NULL, updated_at = $1 WHERE seq = ANY($2) AND state = 'failed' RETURNING *`,
      [Date.now(), seqs],
      'retry',
    );
    return result.rows.map(toLedgerRow);
  }

  async status(options: { failures?: number } = {}): Promise<LedgerStatus & { instances: InstanceRow[] }> {
    const counts = Object.fromEntries(RECORDING_STATES.map((s) => [s, 0])) as Record<RecordingState, number>;
    const grouped = await this.query<{ state: RecordingState; n: number }>('SELECT state, COUNT(*)::int AS n FROM recordings GROUP BY state', [], 'status');
    for (const { state, n } of grouped.rows) counts[state] = n;
    const limit = options.failures ?? 10;
    const [failures, attention] = await Promise.all([
      this.query<RecordingRow>(`SELECT * FROM recordings WHERE state = 'failed' ORDER BY updated_at DESC LIMIT $1`, [limit], 'status'),
      this.query<RecordingRow>('SELECT * FROM recordings WHERE attention IS NOT NULL ORDER BY updated_at DESC LIMIT $1', [limit], 'status'),
    ]);
    return {
      counts,
      latestFailures: failures.rows.map(toLedgerRow),
      needsAttention: attention.rows.map(toLedgerRow),
      oldestPendingAgeSeconds: await this.oldestPendingAgeSeconds(),
      instances: await this.instances(),
    };
  }

  /** Instances that heartbeat within their lease, with the recordings each holds. */
  async instances(): Promise<InstanceRow[]> {
    const result = await this.query<{ id: string; host: string; pid: number; started_at: number; heartbeat_at: number; held: number; alive: boolean }>(
      `SELECT i.id, i.host, i.pid, i.started_at, i.heartbeat_at, i.heartbeat_at + i.lease_ms >= ${NOW_MS} AS alive,
         (SELECT COUNT(*)::int FROM recordings r WHERE r.owner = i.id AND r.state IN ('pending', 'processing')) AS held
       FROM instances i ORDER BY i.started_at`,
      [],
      'instances',
    );
    return result.rows.map((r) => ({ id: r.id, host: r.host, pid: r.pid, startedAt: r.started_at, heartbeatAt: r.heartbeat_at, held: r.held, alive: r.alive }));
  }

  async oldestPendingAgeSeconds(): Promise<number> {
    const result = await this.query<{ t: number | null }>(`SELECT MIN(discovered_at) AS t FROM recordings WHERE state IN ('pending', 'processing')`, [], 'status');
    const t = result.rows[0]?.t ?? null;
    return t === null ? 0 : Math.max(0, (Date.now() - t) / 1000);
  }

  sourceHistory(source: SourceKind): SourceHistory {
    return new PgSourceHistory((text, values) => this.query(text, values, 'source history'), source);
  }

  recordingIndex(): RecordingIndex {
    return new PgRecordingIndex((text, values) => this.query(text, values, 'console index'));
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', [], 'ping');
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.lastBeat;
    if (this.options.role === 'processor') {
      // a clean stop hands its claims back at once instead of after the lease
      await this.query(
        `UPDATE recordings SET state = 'pending', owner = NULL, lease_until = NULL WHERE owner = $1 AND state IN ('pending', 'processing')`,
        [this.owner],
        'close',
      ).catch(() => {});
      await this.query('DELETE FROM instances WHERE id = $1', [this.owner], 'close').catch(() => {});
    }
    await this.pool.end();
  }

  private async register(): Promise<void> {
    const now = Date.now();
    await this.pool.query(
      `INSERT INTO instances (id, host, pid, started_at, heartbeat_at, lease_ms) VALUES ($1, $2, $3, $4, ${NOW_MS}, $5)`,
      [this.owner, hostname(), process.pid, now, this.leaseMs],
    );
    // forget instances gone for a day: status shows the living and the recently dead
    await this.pool.query(`DELETE FROM instances WHERE heartbeat_at < ${NOW_MS} - 86400000`);
    this.heartbeat = setInterval(() => {
      this.lastBeat = this.beat();
    }, Math.max(250, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  /** Renews this instance's leases; a beat that fails (PostgreSQL down) is simply missed. */
  private async beat(): Promise<void> {
    try {
      await this.pool.query(`UPDATE instances SET heartbeat_at = ${NOW_MS} WHERE id = $1`, [this.owner]);
      await this.pool.query(
        `UPDATE recordings SET lease_until = ${NOW_MS} + $2 WHERE owner = $1 AND state IN ('pending', 'processing')`,
        [this.owner, this.leaseMs],
      );
    } catch {
      // the leases may run out; writes then check ownership and stop a taken-over recording
    }
  }

  /** A write for one recording that only lands while this instance owns it. */
  private async owned<T extends pg.QueryResultRow>(seq: number, text: string, rest: unknown[]): Promise<T> {
    const result = await this.query<T>(text, [seq, this.owner, ...rest], 'write');
    const row = result.rows[0];
    if (!row) this.lost(seq);
    return row as T;
  }

  private lost(seq: number | string): never {
    if (typeof seq === 'number') this.options.onLeaseLost?.(seq);
    throw new LeaseLostError(seq);
  }

  private async query<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[], action: string): Promise<pg.QueryResult<T>> {
    try {
      return await this.pool.query<T>(text, values);
    } catch (error) {
      throw classifyPgError(error, action);
    }
  }
}
