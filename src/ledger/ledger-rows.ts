import type { ClaimedFile, FoundFile, RecordingState } from '../recording.ts';
import type { LedgerRow } from './ledger.ts';

/** A `recordings` row as both engines return it (snake_case columns, numbers as numbers). */
export interface RecordingRow {
  seq: number;
  source: FoundFile['source'];
  path: string;
  relative_path: string;
  file_name: string;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  id: string | null;
  state: RecordingState;
  owner: string | null;
  attempts: number;
  stage: string | null;
  last_error: string | null;
  local_path: string | null;
  duplicate_of: string | null;
  attention: string | null;
  discovered_at: number;
  updated_at: number;
  finished_at: number | null;
  retry_at: number | null;
  sweeps: number;
}

export const RECORDING_STATES: readonly RecordingState[] = ['pending', 'processing', 'done', 'failed', 'duplicate', 'skipped'];

export function toClaimedFile(r: RecordingRow): ClaimedFile {
  return {
    source: r.source,
    path: r.path,
    relativePath: r.relative_path,
    fileName: r.file_name,
    size: Number(r.size),
    mtimeMs: Number(r.mtime_ms),
    seq: Number(r.seq),
    attempts: r.attempts,
  };
}

export function toLedgerRow(r: RecordingRow): LedgerRow {
  return {
    ...toClaimedFile(r),
    id: r.id ?? undefined,
    sha256: r.sha256 ?? undefined,
    state: r.state,
    stage: r.stage ?? undefined,
    lastError: r.last_error ?? undefined,
    localPath: r.local_path ?? undefined,
    duplicateOf: r.duplicate_of ?? undefined,
    attention: r.attention ?? undefined,
    discoveredAt: Number(r.discovered_at),
    updatedAt: Number(r.updated_at),
    finishedAt: r.finished_at === null ? undefined : Number(r.finished_at),
    retryAt: r.retry_at === null ? undefined : Number(r.retry_at),
    sweeps: r.sweeps,
  };
}
