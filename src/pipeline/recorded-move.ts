import { stat } from 'node:fs/promises';
import { moveFile } from '../files/move-file.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ClaimedFile } from '../recording.ts';

/** The checkpoint key of a row's last move (keyed by seq: a move can happen before the content id is known). */
const moveKey = (seq: number): string => `#${seq}`;
const MOVE = 'move';

/**
 * Moves a recording's audio (to processed/ or failed/) so that no crash and no failed ledger
 * write can lose it: the intent `{from, to}` is written to the ledger first, then the file moves,
 * then the ledger's local path follows. Whatever fails in between, {@link locateAudio} finds the
 * file at one of the two places.
 */
export async function recordedMove(ledger: Ledger, seq: number, from: string, to: string): Promise<string> {
  await ledger.saveCheckpoint(moveKey(seq), MOVE, JSON.stringify({ from, to }));
  await moveFile(from, to);
  await ledger.setLocalPath(seq, to);
  return to;
}

/**
 * Where the recording's audio is now: the ledger's local path, else either end of the last
 * recorded move, else the file where it was found (inbox); only a file of the size the source
 * showed counts. Undefined when none is there (an SFTP file not yet downloaded).
 */
export async function locateAudio(ledger: Ledger, file: ClaimedFile, knownLocalPath: string | undefined): Promise<string | undefined> {
  const saved = (await ledger.checkpoints(moveKey(file.seq))).get(MOVE);
  const move = saved ? (JSON.parse(saved) as { from: string; to: string }) : undefined;
  const candidates = [knownLocalPath, move?.to, move?.from, file.source === 'inbox' ? file.path : undefined];
  for (const candidate of candidates) {
    if (candidate !== undefined && (await sizeOf(candidate)) === file.size) return candidate;
  }
  return undefined;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}
