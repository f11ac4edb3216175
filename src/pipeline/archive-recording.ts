import path from 'node:path';
import type { ClaimedFile } from '../recording.ts';
import { exists, freeName } from '../files/move-file.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { recordedMove } from './recorded-move.ts';

/**
 * Moves the local copy of a finished recording to `processed/<YYYY-MM-DD>/<file name>` (UTC day of
 * processing). A name already taken by other audio gets the recording id appended. Safe to call
 * again after a crash: a copy already inside `processed/` is left where it is. The move is
 * recorded in the ledger first (see recordedMove), so the ledger never loses track of the file.
 */
export async function archiveRecording(localPath: string, file: ClaimedFile, id: string, processedDir: string, ledger: Ledger): Promise<string> {
  if (isInside(processedDir, localPath) && (await exists(localPath))) return localPath;
  const day = new Date().toISOString().slice(0, 10);
  const target = await freeName(path.join(processedDir, day), file.fileName, id);
  return recordedMove(ledger, file.seq, localPath, target);
}

export function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
