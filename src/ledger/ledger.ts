import type { ClaimedFile, FoundFile, RecordingState, SourceKind } from '../recording.ts';
import type { SourceHistory } from './source-history.ts';
import type { RecordingIndex } from './recording-index.ts';

/** What a shared ledger reports on /metrics. */
export interface LedgerGauges {
  pool: { total: number; idle: number; waiting: number };
  /** Recordings this instance holds a lease on. */
  leasesHeld: number;
}

/** One ledger row, as `status` and `retry` show it. */
export interface LedgerRow {
  seq: number;
  source: FoundFile['source'];
  path: string;
  relativePath: string;
  fileName: string;
  size: number;
  mtimeMs: number;
  id?: string;
  sha256?: string;
  state: RecordingState;
  attempts: number;
  stage?: string;
  lastError?: string;
  /** Where the local copy of the audio is now (inbox, work/, failed/, processed/). */
  localPath?: string;
  duplicateOf?: string;
  /** Why an operator should look at it although it succeeded (e.g. an unknown file-name shape). */
  attention?: string;
  discoveredAt: number;
  updatedAt: number;
  finishedAt?: number;
  /** When a recording failed by transient errors only, when it goes back to pending by itself. */
  retryAt?: number;
  /** How many times the sweep has put it back to pending since it last succeeded or was retried by hand. */
  sweeps: number;
}

/** An instance sharing the ledger, as `recpipe status` shows it. */
export interface InstanceRow {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  /** Recordings it holds now (claimed or in work). */
  held: number;
  alive: boolean;
}

export interface LedgerStatus {
  counts: Record<RecordingState, number>;
  latestFailures: LedgerRow[];
  needsAttention: LedgerRow[];
  oldestPendingAgeSeconds: number;
  /** Instances sharing the ledger (PostgreSQL only). */
  instances?: InstanceRow[];
}

/** The result of binding a file to its content: is this audio already handled elsewhere? */
export interface IdentityResult {
  /** The recording id (first 16 hex of sha256) of another row with the same audio, done or in flight. */
  duplicateOf?: string;
}

/**
 * The memory of the service: one row per source file (keyed by source + path + size + mtime,
 * so a known file is never hashed again) bound to its content id, and checkpoints per content id
 * written right after each side effect, so a re-run skips what is done.
 * Async so that a PostgreSQL implementation fits the same port.
 */
export interface Ledger {
  /** Rows left `processing` (or claimed) by a crash go back to `pending`; returns how many. */
  recover(): Promise<number>;
  /**
   * Claims a found file for this process: a new file is inserted as `pending`, a known `pending`
   * one with no owner is taken; anything else (in flight, done, failed) yields undefined.
   */
  claim(found: FoundFile): Promise<ClaimedFile | undefined>;
  /**
   * Claims every `pending` row nobody owns (left by a crash, or put back by `recpipe retry`),
   * so work resumes even when the file is no longer where a source would find it.
   */
  claimPending(): Promise<ClaimedFile[]>;
  /**
   * Gives a claim back (shutdown drain, paused intake). With `refund` the attempt begun is not
   * counted: service-level trouble is not the recording's fault and must not use up MAX_ATTEMPTS.
   */
  release(seq: number, options?: { refund?: boolean }): Promise<void>;
  /** Marks the start of an attempt: state `processing`, attempts + 1; returns the attempt number. */
  begin(seq: number): Promise<number>;
  /** Records where the local copy of the audio is. */
  setLocalPath(seq: number, localPath: string): Promise<void>;
  /** Binds the row to its content; tells whether the same audio is already done or in flight. */
  setIdentity(seq: number, sha256: string, id: string): Promise<IdentityResult>;
  checkpoints(id: string): Promise<Map<string, string>>;
  saveCheckpoint(id: string, name: string, value: string): Promise<void>;
  /** Notes a transient error of an attempt that will be retried. */
  noteError(seq: number, stage: string, error: string): Promise<void>;
  setAttention(seq: number, reason: string | undefined): Promise<void>;
  finish(seq: number, state: 'done' | 'duplicate' | 'skipped', details?: { duplicateOf?: string }): Promise<void>;
  /** Marks a recording failed; with `retryAt` the sweep puts it back to pending at that time. */
  fail(seq: number, stage: string, error: string, options?: { retryAt?: number }): Promise<void>;
  /** Failed recordings whose `retryAt` has come go back to pending; returns how many. */
  sweep(): Promise<number>;
  get(seq: number): Promise<LedgerRow | undefined>;
  /** Rows whose content id, or seq, is one of `ids`. */
  find(ids: string[]): Promise<LedgerRow[]>;
  failedRows(): Promise<LedgerRow[]>;
  /** failed → pending with attempts reset; returns the rows changed. */
  retry(seqs: number[]): Promise<LedgerRow[]>;
  status(options?: { failures?: number }): Promise<LedgerStatus>;
  oldestPendingAgeSeconds(): Promise<number>;
  /** The walk bookkeeping of one source (last full walk, settled folders). */
  sourceHistory(source: SourceKind): SourceHistory;
  /**
   * Throws LeaseLostError when another instance took `seq` over (a shared ledger); called before
   * each stage, so a paused instance stops before any further side effect. SQLite: no-op.
   */
  confirmLease?(seq: number): Promise<void>;
  /** Connection pool and lease figures for /metrics (a shared ledger). */
  gauges?(): Promise<LedgerGauges>;
  /**
   * The console's read side (filters, full-text search over redacted transcripts). Optional so a
   * ledger without it still runs the pipeline; the console then lists nothing searchable.
   */
  recordingIndex?(): RecordingIndex;
  /** Throws when the store is unusable (for /ready and doctor). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
