import { resolve } from 'node:path';
import { AbortedError, PermanentError, TransientError } from '../errors.ts';
import { hasFilterOption } from './audio-tools.ts';
import { lastLines, mediaToolPath, runMediaProcess } from './ffmpeg-process.ts';

/** What to measure while a track's audio passes through ffmpeg anyway. */
export interface TrackAnalysisOptions {
  /** ffmpeg `silencedetect`: stretches quieter than `noiseDb` (dBFS) for at least `minSeconds`. */
  silence?: { noiseDb: number; minSeconds: number };
  /** RMS level per window of `windowSeconds` (ffmpeg `astats`), for telling speakers apart. */
  levels?: { windowSeconds: number };
}

/** What this ffmpeg's filters can do (the npm-shipped 2018 build lacks newer options). */
export interface AnalysisFilterSupport {
  /** `astats` takes `measure_perchannel` / `measure_overall` (FFmpeg 4.4+). */
  astatsMeasure: boolean;
}

/** Asks `binary` what `analysisGraph` needs to know; no spawn unless levels are measured. */
export async function analysisFilterSupport(binary: string, options: TrackAnalysisOptions): Promise<AnalysisFilterSupport> {
  return { astatsMeasure: options.levels === undefined ? true : await hasFilterOption('astats', 'measure_perchannel', binary) };
}

/** Where the measurements go (ffmpeg `ametadata` print files). */
export interface TrackAnalysisFiles {
  silences?: string;
  levels?: string;
}

/**
 * Filtergraph statements that pass audio from `[input]` to `[output]` unchanged while writing
 * the measurements to files, so they ride along a run that decodes the audio anyway (one
 * ffmpeg spawn costs ~0.1 s of a core; the filters themselves run at thousands × realtime).
 * `sampleRate` is the rate at `[input]`.
 */
export function analysisGraph(
  input: string,
  output: string,
  sampleRate: number,
  options: TrackAnalysisOptions,
  files: TrackAnalysisFiles,
  support: AnalysisFilterSupport = { astatsMeasure: true },
): string[] {
  const chain: string[] = [];
  if (options.silence && files.silences) {
    const { noiseDb, minSeconds } = options.silence;
    chain.push(`silencedetect=n=${noiseDb}dB:d=${minSeconds}`, `ametadata=mode=print:file=${filterPath(files.silences)}`);
  }
  if (!(options.levels && files.levels)) {
    return [`[${input}]${chain.length > 0 ? chain.join(',') : 'anull'}[${output}]`];
  }
  const samples = Math.max(1, Math.round(sampleRate * options.levels.windowSeconds));
  const measured = `${output}_levels`;
  // Older builds compute and attach every statistic: `key` then prints only the RMS level, the
  // same lines, at ~2× the filter CPU of measuring only what is printed
  const stats = support.astatsMeasure
    ? `astats=metadata=1:reset=1:measure_perchannel=RMS_level:measure_overall=none,ametadata=mode=print:file=${filterPath(files.levels)}`
    : `astats=metadata=1:reset=1,ametadata=mode=print:key=lavfi.astats.1.RMS_level:file=${filterPath(files.levels)}`;
  return [`[${input}]${[...chain, 'asplit=2'].join(',')}[${output}][${measured}]`, `[${measured}]asetnsamples=n=${samples}:p=0,${stats},anullsink`];
}

/**
 * Measures an existing track file with one ffmpeg run (for tracks normalized without analysis).
 * Throws PermanentError when ffmpeg cannot read it, AbortedError on abort.
 */
export async function analyzeTrack(
  path: string,
  sampleRate: number,
  options: TrackAnalysisOptions,
  files: TrackAnalysisFiles,
  run: { signal?: AbortSignal; ffmpegPath?: string } = {},
): Promise<void> {
  const binary = mediaToolPath('ffmpeg', run.ffmpegPath);
  const graph = analysisGraph('0:a:0', 'out', sampleRate, options, files, await analysisFilterSupport(binary, options));
  // one decoding thread: see cutAudio
  const args = ['-nostdin', '-hide_banner', '-nostats', '-v', 'error', '-y', '-threads', '1', '-i', resolve(path), '-filter_complex', graph.join(';'), '-map', '[out]', '-f', 'null', '-'];
  const result = await runMediaProcess('ffmpeg', binary, args, { signal: run.signal });
  if (run.signal?.aborted) throw new AbortedError('analysis aborted', { cause: run.signal.reason });
  if (result.exitCode === null) throw new TransientError(`ffmpeg killed by ${result.signal ?? 'a signal'}`, { system: 'ffmpeg' });
  if (result.exitCode !== 0) throw new PermanentError(`ffmpeg could not analyse the audio: ${lastLines(result.stderr, 4)}`, { system: 'ffmpeg' });
}

/**
 * A path as a filter option value inside a filtergraph: escaped once for the option parser
 * (`\ ' :`) and once more for the graph parser (`\ ' [ ] , ;`), per ffmpeg-filters "Notes on
 * filtergraph escaping", so any data folder name works.
 */
export function filterPath(path: string): string {
  const option = resolve(path).replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}
