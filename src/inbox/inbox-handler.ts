import { stat } from 'node:fs/promises';
import { PermanentError } from '../errors.ts';
import { exists } from '../files/move-file.ts';
import type { SourceHandler } from '../pipeline/source-handler.ts';
import type { ClaimedFile } from '../recording.ts';

/** Inbox files are processed where they lie; archiving moves them to `processed/`. */
export class InboxHandler implements SourceHandler {
  readonly kind = 'inbox' as const;

  async fetch(file: ClaimedFile, knownLocalPath: string | undefined): Promise<string> {
    // an earlier attempt may have moved the file (to failed/, or processed/ just before a crash)
    const local = knownLocalPath && (await exists(knownLocalPath)) ? knownLocalPath : file.path;
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

  async complete(): Promise<string> {
    return 'archived';
  }
}
