import type { RemoteFile } from './remote-walk.ts';

/** What one listing saw of a file. */
export interface SnapshotEntry {
  size: number;
  mtimeMs: number;
}

/** The previous listing, by remote path. */
export type FileSnapshot = ReadonlyMap<string, SnapshotEntry>;

export interface StableFileOptions {
  /** A file's server mtime must be at least this old. */
  minFileAgeMs: number;
  /**
   * On the first listing after start (no previous snapshot), a file whose mtime is at least
   * `minFileAgeMs + firstListingMarginMs` old is taken without waiting for a second listing.
   * `Infinity` always waits. Default 60000.
   */
  firstListingMarginMs?: number;
}

export interface StableFileSelection {
  /** Files judged complete, in listing order. */
  ready: RemoteFile[];
  /** The snapshot for the next call: exactly the files listed now, so it never outgrows the folder. */
  snapshot: Map<string, SnapshotEntry>;
}

const DEFAULT_FIRST_LISTING_MARGIN_MS = 60_000;

/**
 * Decides which listed files are complete. An upload in progress is visible on SFTP, and
 * neither signal alone is enough: SFTP v3 mtimes are whole seconds and clients can set them
 * to anything (a copy that keeps the original mtime looks old while it is still growing,
 * CAMEL-19378), while a size that did not change between two listings may just be a stalled
 * upload that resumes. So a file is ready only when its size and mtime equal those of the
 * previous listing AND its mtime is at least `minFileAgeMs` old. Empty files are never ready:
 * uploaders create the file before the first byte arrives.
 *
 * First listing (`previous` undefined): waiting for a second listing would delay every file
 * found at start-up by one poll interval after each restart, and most of them were lying
 * there while we were down. A file whose mtime is older than `minFileAgeMs` plus a margin is
 * therefore taken at once: an upload that is still running keeps bumping its mtime, and the
 * margin absorbs clock skew between the server and us. A recent mtime still waits for the
 * second listing. The residual risk is a client that sets an old mtime *before* writing; the
 * size check at download time catches a file that grew after it was listed.
 */
export function selectStableFiles(
  previous: FileSnapshot | undefined,
  current: readonly RemoteFile[],
  nowMs: number,
  options: StableFileOptions,
): StableFileSelection {
  const firstListingAgeMs = options.minFileAgeMs + (options.firstListingMarginMs ?? DEFAULT_FIRST_LISTING_MARGIN_MS);
  const snapshot = new Map<string, SnapshotEntry>();
  const ready: RemoteFile[] = [];

  for (const file of current) {
    snapshot.set(file.path, { size: file.size, mtimeMs: file.mtimeMs });
    if (file.size <= 0) continue;
    const ageMs = nowMs - file.mtimeMs;
    if (previous === undefined) {
      if (ageMs >= firstListingAgeMs) ready.push(file);
      continue;
    }
    const seen = previous.get(file.path);
    const unchanged = seen !== undefined && seen.size === file.size && seen.mtimeMs === file.mtimeMs;
    if (unchanged && ageMs >= options.minFileAgeMs) ready.push(file);
  }
  return { ready, snapshot };
}
