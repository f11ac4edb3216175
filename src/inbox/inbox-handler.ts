import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';
import { PermanentError } from '../errors.ts';
import { exists } from '../files/move-file.ts';
import type { SourceHandler } from '../pipeline/source-handler.ts';
import type { ClaimedFile } from '../recording.ts';
import { inboxRefusal } from './inbox-guard.ts';

/** Inbox files are processed where they lie; archiving moves them to `processed/`. */
export class InboxHandler implements SourceHandler {
  readonly kind = 'inbox' as const;

  /** `root`: the inbox folder; files whose real path leaves it are never read nor moved. */
  constructor(private readonly root: string) {}

  async fetch(file: ClaimedFile, knownLocalPath: string | undefined): Promise<string> {
    // an earlier attempt may have moved the file (to failed/, or processed/ just before a crash)
    const local = knownLocalPath && (await exists(knownLocalPath)) ? knownLocalPath : file.path;
    if (this.isInInbox(local)) await this.refuseUnsafe(local);
    try {
      const info = await stat(local);
      if (info.size !== file.size) {
        throw new PermanentError(`file changed after it was taken: ${file.size} bytes when found, ${info.size} now`, { system: 'fs' });
      }
      return local;
    } catch (error) {
      if (error instanceof PermanentError) throw error;
      throw new PermanentError(`file disappeared from the inbox before processing (${(error as Error).message})`, {
        system: 'fs',
        cause: error,
      });
    }
  }

  /**
   * Right before publishing and before the move to `processed/`: a file still in the inbox must
   * still be the regular file inside the inbox that was claimed. A symlink swapped in since is
   * refused (PermanentError; the file is left where it is). A changed size or mtime means a
   * writer paused longer than INBOX_STABLE_MS and went on: the answer is the reason, and this
   * attempt is abandoned, since the new content is a new ledger key the inbox finds again.
   */
  async superseded(file: ClaimedFile, localPath: string): Promise<string | undefined> {
    if (!this.isInInbox(localPath)) return undefined;
    await this.refuseUnsafe(localPath);
    const info = await lstat(localPath);
    if (info.size === file.size && Math.trunc(info.mtimeMs) === file.mtimeMs) return undefined;
    return `the file changed while it was processed (${file.size} bytes, mtime ${file.mtimeMs} when taken; ${info.size} bytes, mtime ${Math.trunc(info.mtimeMs)} now): the new content is processed as a new recording`;
  }

  async complete(): Promise<string> {
    return 'archived';
  }

  private isInInbox(file: string): boolean {
    const relative = path.relative(path.resolve(this.root), path.resolve(file));
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }

  private async refuseUnsafe(file: string): Promise<void> {
    const refusal = await inboxRefusal(this.root, file);
    if (refusal !== undefined) throw new PermanentError(`refused ${file}: ${refusal}; left where it is`, { system: 'fs' });
  }
}
