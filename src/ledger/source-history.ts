import type { RecordingState } from '../recording.ts';

/** What one walk of a source cost, as `recpipe status` and /metrics show it. */
export interface WalkStats {
  /** Epoch ms when the walk started. */
  at: number;
  /** True for a full walk (every folder), false for a walk of the recent and unsettled ones. */
  full: boolean;
  foldersListed: number;
  filesListed: number;
  /** Day folders left out because they are old and settled. */
  foldersSkipped: number;
  durationMs: number;
}

/** The walk bookkeeping of one source, kept in the ledger so `run --once` from cron benefits too. */
export interface WalkRecord {
  lastFullWalk?: WalkStats;
  lastWalk?: WalkStats;
}

/**
 * The ledger's memory of a source's folder tree: when it was last walked in full, and which old
 * day folders are settled (every file in them known and finished), so polls between full walks
 * list only what can still change.
 */
export interface SourceHistory {
  readRecord(): Promise<WalkRecord>;
  writeRecord(record: WalkRecord): Promise<void>;
  /** Folders (relative to the source root) found settled by an earlier walk. */
  settledFolders(): Promise<Set<string>>;
  /** Marks `settled` folders settled and `unsettled` ones not (a late upload into an old folder). */
  updateFolders(settled: readonly string[], unsettled: readonly string[]): Promise<void>;
  /** States of the known files below `folderPath` (a source path), keyed by {@link fileKey}. */
  fileStatesUnder(folderPath: string): Promise<Map<string, RecordingState>>;
}

/** The identity of a file version in {@link SourceHistory.fileStatesUnder}. */
export function fileKey(file: { path: string; size: number; mtimeMs: number }): string {
  return `${file.path}\u0000${file.size}\u0000${file.mtimeMs}`;
}
