import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AbortedError, PermanentError, TransientError } from '../errors.ts';
import { lastLines, mediaToolPath, runMediaProcess } from './ffmpeg-process.ts';
import { readFlacInfo } from './flac-info.ts';
import type { Span } from './span.ts';

/** One file to write: these stretches of `source`, back to back. */
export interface AudioCut {
  source: string;
  path: string;
  spans: readonly Span[];
}

/** A written cut, described from its FLAC header. */
export interface CutFile {
  path: string;
  bytes: number;
  durationSeconds: number;
}

export interface CutOptions {
  /** Sample rate of the sources in Hz (one rate for all): frames of {@link frameSeconds} are selected. */
  sampleRate: number;
  signal?: AbortSignal;
  ffmpegPath?: string;
}

/**
 * Length of the frames cuts are made of: 50 ms at 8 and 16 kHz (a whole number of samples at
 * any rate). Finer frames cost ffmpeg more per second of audio and gain nothing a transcript
 * shows: cuts fall in padded silence.
 */
export function frameSeconds(sampleRate: number): number {
  return frameSamples(sampleRate) / sampleRate;
}

/**
 * Writes every cut as 16-bit mono FLAC with one ffmpeg run, however many files, sources (both
 * channels of a call) and stretches: each source is decoded once, split into frames of
 * {@link frameSeconds}, and each output keeps the frames inside its stretches (a binary-search
 * expression, so thousands of stretches cost no more than a plain re-encode). Outputs appear
 * under their names only when all are complete.
 */
export async function cutAudio(cuts: readonly AudioCut[], options: CutOptions): Promise<CutFile[]> {
  const { signal } = options;
  if (signal?.aborted) throw new AbortedError('cut not started: aborted', { cause: signal.reason });
  if (cuts.length === 0) return [];
  const first = cuts[0];
  if (first === undefined || cuts.some((cut) => cut.spans.length === 0)) throw new PermanentError('nothing to cut', { system: 'ffmpeg' });
  const tag = randomBytes(4).toString('hex');
  const temps = cuts.map((cut) => join(dirname(cut.path), `.${tag}.${basename(cut.path)}.part`));
  // a script file: the graph of a long call with many turns would outgrow one argv string (128 KiB)
  const script = join(dirname(first.path), `.${tag}.cut-graph.txt`);
  const half = frameSeconds(options.sampleRate) / 2;
  const sources = [...new Set(cuts.map((cut) => cut.source))];
  const graph: string[] = [];
  const args = ['-nostdin', '-hide_banner', '-nostats', '-v', 'error', '-y'];
  for (const [input, source] of sources.entries()) {
    // one thread: ffmpeg's frame-threaded FLAC decoder costs more in thread hand-offs (system
    // time) than it saves on 8 kHz mono, and the pipeline runs recordings in parallel anyway
    args.push('-threads', '1', '-i', resolve(source));
    const mine = [...cuts.keys()].filter((index) => cuts[index]?.source === source);
    const split = mine.length > 1 ? `,asplit=${mine.length}${mine.map((index) => `[s${index}]`).join('')}` : `[s${mine[0] ?? 0}]`;
    graph.push(`[${input}:a:0]asetnsamples=n=${frameSamples(options.sampleRate)}:p=0${split}`);
  }
  cuts.forEach((cut, index) => {
    // frame times sit on the grid; comparing against half a frame earlier avoids float ties
    graph.push(`[s${index}]aselect='${selectExpression(cut.spans, half)}',asetpts=N/SR/TB[o${index}]`);
  });
  args.push('-filter_complex_script', script, '-filter_complex_threads', '1');
  temps.forEach((temp, index) => {
    args.push('-map', `[o${index}]`, '-c:a', 'flac', '-threads', '1', '-sample_fmt', 's16', '-ac', '1', '-map_metadata', '-1',
      '-metadata_header_padding', '0', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-f', 'flac', resolve(temp));
  });
  try {
    await writeFile(script, graph.join(';\n'));
    const result = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg', options.ffmpegPath), args, { signal });
    if (result.exitCode === null) throw new TransientError(`ffmpeg killed by ${result.signal ?? 'a signal'}`, { system: 'ffmpeg' });
    if (result.exitCode !== 0) {
      const reason = lastLines(result.stderr, 4);
      if (/No space left on device/i.test(result.stderr)) throw new TransientError(`ffmpeg could not write: ${reason}`, { system: 'ffmpeg' });
      throw new PermanentError(`ffmpeg could not cut the audio (exit ${result.exitCode}): ${reason}`, { system: 'ffmpeg' });
    }
    const files: CutFile[] = [];
    for (const [index, cut] of cuts.entries()) {
      const temp = temps[index] ?? '';
      const info = await readFlacInfo(temp);
      files.push({ path: cut.path, bytes: (await stat(temp)).size, durationSeconds: info.durationSeconds });
    }
    for (const [index, cut] of cuts.entries()) await rename(temps[index] ?? '', cut.path);
    return files;
  } finally {
    await Promise.all([script, ...temps].map((file) => rm(file, { force: true })));
  }
}

/** `if(lt(t,mid),left,right)` down to one stretch: log2(n) comparisons per frame. */
function selectExpression(spans: readonly Span[], half: number): string {
  const at = (seconds: number): string => (seconds - half).toFixed(6);
  const node = (from: number, to: number): string => {
    if (to - from === 1) {
      const span = spans[from];
      return span === undefined ? '0' : `gte(t,${at(span.start)})*lt(t,${at(span.end)})`;
    }
    const mid = (from + to) >> 1;
    return `if(lt(t,${at(spans[mid]?.start ?? 0)}),${node(from, mid)},${node(mid, to)})`;
  };
  return node(0, spans.length);
}

function frameSamples(sampleRate: number): number {
  return sampleRate / gcd(sampleRate, 20);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
