import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AbortedError, PermanentError, TransientError } from '../errors.ts';
import type { AudioInfo, NormalizedTrack } from '../recording.ts';
import { lastLines, mediaToolPath, runMediaProcess } from './ffmpeg-process.ts';
import { readFlacInfo } from './flac-info.ts';
import { analysisFilterSupport, analysisGraph, type AnalysisFilterSupport, type TrackAnalysisFiles, type TrackAnalysisOptions } from './track-analysis.ts';

/** Options of {@link normalizeAudio}. */
export interface NormalizeOptions {
  signal?: AbortSignal;
  /** A stereo recording becomes one file per channel (`ch0` left, `ch1` right); default true. */
  splitChannels?: boolean;
  /** ffmpeg binary; default `FFMPEG_PATH`, else `ffmpeg` on PATH. */
  ffmpegPath?: string;
  /**
   * Measure each track in the same run (silences, levels) into `chN.silences.txt` and
   * `chN.levels.txt` next to it; their paths are set on the returned tracks. Default: none.
   */
  analysis?: TrackAnalysisOptions;
}

/**
 * Highest output sample rate in Hz. Speech-to-text models work at 16 kHz; telephony audio is
 * 8 kHz and stays so (half the bytes, nothing lost).
 */
export const MAX_OUTPUT_SAMPLE_RATE = 16_000;

interface Output {
  channel: number;
  final: string;
  temp: string;
  /** Analysis files: where ffmpeg writes them, and their names once the run succeeded. */
  analysis: TrackAnalysisFiles;
  analysisFinal: TrackAnalysisFiles;
}

/**
 * Converts a recording to 16-bit mono FLAC in `outDir` with one ffmpeg run: `ch0.flac` and
 * `ch1.flac` for a stereo source (left, right) when splitting, else a mono downmix `ch0.flac`.
 * ffmpeg reads and writes the files itself, so no audio passes through Node's memory.
 * Outputs appear under their final names only when complete. Throws PermanentError when ffmpeg
 * cannot convert the audio, AbortedError (after killing ffmpeg and removing its output) on abort.
 */
export async function normalizeAudio(
  inputPath: string,
  info: AudioInfo,
  outDir: string,
  options: NormalizeOptions = {},
): Promise<NormalizedTrack[]> {
  const { signal } = options;
  if (signal?.aborted) throw new AbortedError('normalize not started: aborted', { cause: signal.reason });
  await mkdir(outDir, { recursive: true, mode: 0o700 });

  const split = (options.splitChannels ?? true) && info.channels === 2;
  const sampleRate = info.sampleRate > 0 ? Math.min(info.sampleRate, MAX_OUTPUT_SAMPLE_RATE) : MAX_OUTPUT_SAMPLE_RATE;
  // a per-run tag keeps two concurrent runs on one folder (a retry racing a slow kill) apart
  const tag = randomBytes(4).toString('hex');
  const analysis = options.analysis ?? {};
  const outputs: Output[] = (split ? [0, 1] : [0]).map((channel) => ({
    channel,
    final: join(outDir, `ch${channel}.flac`),
    temp: join(outDir, `.ch${channel}.${tag}.flac.part`),
    analysis: {
      silences: analysis.silence ? join(outDir, `.ch${channel}.${tag}.silences.part`) : undefined,
      levels: analysis.levels ? join(outDir, `.ch${channel}.${tag}.levels.part`) : undefined,
    },
    analysisFinal: {
      silences: analysis.silence ? join(outDir, `ch${channel}.silences.txt`) : undefined,
      levels: analysis.levels ? join(outDir, `ch${channel}.levels.txt`) : undefined,
    },
  }));

  const binary = mediaToolPath('ffmpeg', options.ffmpegPath);
  const support = await analysisFilterSupport(binary, analysis);
  const args = ffmpegArgs(resolve(inputPath), info, split, sampleRate, outputs, analysis, support);
  try {
    const result = await runMediaProcess('ffmpeg', binary, args, { signal });
    if (result.exitCode !== 0) throw conversionFailure(result.exitCode, result.signal, result.stderr);

    const tracks: NormalizedTrack[] = [];
    for (const output of outputs) {
      const flac = await readFlacInfo(output.temp);
      const { size } = await stat(output.temp);
      tracks.push({
        channel: output.channel,
        path: output.final,
        // STREAMINFO has 0 samples only if ffmpeg could not seek back, which a regular file allows
        durationSeconds: flac.durationSeconds > 0 ? flac.durationSeconds : info.durationSeconds,
        sampleRate: flac.sampleRate,
        bytes: size,
        ...(output.analysisFinal.silences === undefined ? {} : { silencesPath: output.analysisFinal.silences }),
        ...(output.analysisFinal.levels === undefined ? {} : { levelsPath: output.analysisFinal.levels }),
      });
    }
    if (signal?.aborted) throw new AbortedError('normalize aborted', { cause: signal.reason });
    for (const output of outputs) {
      // analysis first: a track file under its final name promises its analysis is there too
      for (const kind of ['silences', 'levels'] as const) {
        const [from, to] = [output.analysis[kind], output.analysisFinal[kind]];
        if (from !== undefined && to !== undefined) await rename(from, to);
      }
      await rename(output.temp, output.final);
    }
    return tracks;
  } catch (error) {
    const temps = outputs.flatMap((output) => [output.temp, output.analysis.silences, output.analysis.levels]);
    await Promise.all(temps.map((temp) => (temp === undefined ? undefined : rm(temp, { force: true }))));
    throw error;
  }
}

function ffmpegArgs(
  input: string,
  info: AudioInfo,
  split: boolean,
  sampleRate: number,
  outputs: readonly Output[],
  analysis: TrackAnalysisOptions,
  support: AnalysisFilterSupport,
): string[] {
  const { channels } = info;
  const args = ['-nostdin', '-hide_banner', '-nostats', '-v', 'error', '-y', '-i', input];
  const graph: string[] = [];
  // pan addresses channels by index, so it works when the source has no channel layout
  // (2-channel WAVs without WAVE_FORMAT_EXTENSIBLE have none)
  if (split) {
    graph.push('[0:a:0]asplit=2[a][b]', '[a]pan=mono|c0=c0[left]', '[b]pan=mono|c0=c1[right]');
  } else if (channels > 1) {
    const gain = (1 / channels).toFixed(6);
    const mix = Array.from({ length: channels }, (_, index) => `${gain}*c${index}`).join('+');
    graph.push(`[0:a:0]pan=mono|c0=${mix}[mono]`);
  }
  const measured = analysis.silence !== undefined || analysis.levels !== undefined;
  const sources = outputs.map((output) => {
    const source = split ? (output.channel === 0 ? 'left' : 'right') : channels > 1 ? 'mono' : '0:a:0';
    if (!measured) return source === '0:a:0' ? source : `[${source}]`;
    graph.push(...analysisGraph(source, `measured${output.channel}`, info.sampleRate, analysis, output.analysis, support));
    return `[measured${output.channel}]`;
  });
  if (graph.length > 0) args.push('-filter_complex', graph.join(';'));
  for (const [index, output] of outputs.entries()) {
    const source = sources[index] ?? '0:a:0';
    args.push(
      '-map', source,
      '-c:a', 'flac',
      '-sample_fmt', 's16',
      '-ar', String(sampleRate),
      '-ac', '1',
      // no tags or encoder version: the same input gives the same bytes on every run
      '-map_metadata', '-1',
      // ffmpeg reserves 8 KiB of FLAC padding for later tag edits; nobody edits these files
      '-metadata_header_padding', '0',
      '-fflags', '+bitexact',
      '-flags:a', '+bitexact',
      // the temp name has no .flac ending ffmpeg could infer the format from
      '-f', 'flac',
      resolve(output.temp),
    );
  }
  return args;
}

function conversionFailure(exitCode: number | null, signal: NodeJS.Signals | null, stderr: string): Error {
  const reason = lastLines(stderr, 4);
  if (exitCode === null) {
    // killed from outside (OOM killer, an operator): says nothing about the audio
    return new TransientError(`ffmpeg killed by ${signal ?? 'a signal'}: ${reason}`, { system: 'ffmpeg' });
  }
  if (/No space left on device/i.test(stderr)) {
    return new TransientError(`ffmpeg could not write: ${reason}`, { system: 'ffmpeg' });
  }
  return new PermanentError(`ffmpeg failed (exit ${exitCode}): ${reason || 'no message'}`, { system: 'ffmpeg' });
}
