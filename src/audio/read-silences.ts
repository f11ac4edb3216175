import { readFile } from 'node:fs/promises';
import type { Span } from './span.ts';

/**
 * The silences ffmpeg's `silencedetect` reported, in order, from either its log
 * (`silence_start: 12.3`) or an `ametadata` print file (`lavfi.silence_start=12.3`). A silence
 * still open at the end of the audio (no `silence_end`) lasts until `durationSeconds`.
 */
export function parseSilences(text: string, durationSeconds: number): Span[] {
  const silences: Span[] = [];
  let open: number | undefined;
  for (const match of text.matchAll(/silence_(start|end)\s*[:=]\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/gi)) {
    const value = Math.min(durationSeconds, Math.max(0, Number(match[2])));
    if (match[1]?.toLowerCase() === 'start') {
      open ??= value;
    } else if (open !== undefined) {
      if (value > open) silences.push({ start: open, end: value });
      open = undefined;
    }
  }
  if (open !== undefined && durationSeconds > open) silences.push({ start: open, end: durationSeconds });
  return silences;
}

/** Reads a silence file written by the normalize or analysis run (small: a few lines per pause). */
export async function readSilences(path: string, durationSeconds: number): Promise<Span[]> {
  return parseSilences(await readFile(path, 'utf8'), durationSeconds);
}
