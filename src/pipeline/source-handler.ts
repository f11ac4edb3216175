import type { ClaimedFile, SourceKind } from '../recording.ts';

/** What processing needs from the source a file came from. */
export interface SourceHandler {
  readonly kind: SourceKind;
  /**
   * Returns a local path holding the complete file: the file itself for the inbox, a verified
   * download in `work/` for SFTP. `knownLocalPath` is the ledger's local copy from an earlier
   * attempt, reused when it is still whole.
   */
  fetch(file: ClaimedFile, knownLocalPath: string | undefined, signal: AbortSignal): Promise<string>;
  /**
   * Finishes the file at its source after it was published and archived (SFTP: leave, move or
   * delete). Returns what was done, for the checkpoint. Never called for a failed recording.
   */
  complete(file: ClaimedFile, signal: AbortSignal): Promise<string>;
  /**
   * Asked right before publishing and before archiving: the reason when the source file is no
   * longer the one claimed (it changed since), so this attempt is abandoned; undefined to go on.
   * Throws when the file must not be touched at all (the inbox: a symlink swapped in).
   */
  superseded?(file: ClaimedFile, localPath: string): Promise<string | undefined>;
}
