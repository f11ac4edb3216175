import { PermanentError } from '../errors.ts';
import type { Span } from './span.ts';

/** Limits and preferences of {@link planChunks}; all in seconds of audio. */
export interface ChunkPlanOptions {
  /** Longest request, overlap included (the duration cap, or the byte cap over the byte rate). */
  maxSeconds: number;
  /** Audio both neighbours of a cut get, so a word at the cut is heard whole once; default 2.5. */
  overlapSeconds?: number;
  /** How far from the ideal cut a pause may be and still be chosen; default 10. */
  snapSeconds?: number;
  /** Cuts land on multiples of this (the cutter's frame length); default 0.01. */
  gridSeconds?: number;
}

const MIN_CHUNK_SECONDS = 30;

/**
 * Splits `durationSeconds` of audio into requests no longer than `maxSeconds`, of about equal
 * length (so no tiny last request), each cut moved to the longest pause within `snapSeconds` of
 * where it would fall — mid-word only when no pause is that close. Neighbours overlap by
 * `overlapSeconds` centred on the cut. Returns one span when everything fits in one request.
 */
export function planChunks(durationSeconds: number, pauses: readonly Span[], options: ChunkPlanOptions): Span[] {
  const overlap = options.overlapSeconds ?? 2.5;
  const snap = options.snapSeconds ?? 10;
  const grid = options.gridSeconds ?? 0.01;
  const max = options.maxSeconds;
  if (durationSeconds <= max) return [{ start: 0, end: durationSeconds }];
  if (!(max - overlap >= MIN_CHUNK_SECONDS)) {
    throw new PermanentError(`a request may hold only ${max.toFixed(1)} s of audio: too little to split a ${durationSeconds.toFixed(0)} s track`);
  }
  const half = overlap / 2;
  const sorted = [...pauses].sort((a, b) => a.start - b.start);
  const chunks: Span[] = [];
  let cut = 0;
  for (;;) {
    const start = chunks.length === 0 ? 0 : snapTo(cut - half, grid);
    if (durationSeconds - start <= max) {
      chunks.push({ start, end: durationSeconds });
      return chunks;
    }
    // content between two cuts is at most max - overlap; share what is left evenly
    const remaining = durationSeconds - cut;
    const count = Math.ceil(remaining / (max - overlap));
    const latest = start + max - half;
    const ideal = Math.min(cut + remaining / count, latest);
    const next = snapTo(bestPause(sorted, ideal, snap, cut + overlap, latest) ?? ideal, grid);
    chunks.push({ start, end: Math.min(durationSeconds, snapTo(next + half, grid)) });
    cut = next;
  }
}

/** Middle of the longest pause near `ideal` (nearest wins a tie), within [earliest, latest]. */
function bestPause(pauses: readonly Span[], ideal: number, snap: number, earliest: number, latest: number): number | undefined {
  let best: { at: number; length: number } | undefined;
  for (const pause of pauses) {
    const at = (pause.start + pause.end) / 2;
    if (at < Math.max(earliest, ideal - snap) || at > Math.min(latest, ideal + snap)) continue;
    const length = pause.end - pause.start;
    const better =
      best === undefined || length > best.length + 1e-6 || (Math.abs(length - best.length) <= 1e-6 && Math.abs(at - ideal) < Math.abs(best.at - ideal));
    if (better) best = { at, length };
  }
  return best?.at;
}

/** Floors to the grid: a cut may move a little earlier, never past a limit. */
function snapTo(seconds: number, grid: number): number {
  return Math.round(Math.floor(seconds / grid + 1e-6) * grid * 1e6) / 1e6;
}
