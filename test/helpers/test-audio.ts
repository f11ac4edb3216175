import { readFile, truncate } from 'node:fs/promises';
import { resolve } from 'node:path';
import { mediaToolPath, runMediaProcess } from '../../src/audio/ffmpeg-process.ts';

/** Codecs the helper writes; the container follows the codec (WAV, MP3 or FLAC). */
export type TestAudioCodec = 'pcm_s16le' | 'pcm_mulaw' | 'pcm_alaw' | 'gsm_ms' | 'mp3' | 'flac';

export interface TestAudioOptions {
  seconds: number;
  /** Hz; default 8000. GSM 6.10 supports 8000 only. */
  sampleRate?: number;
  /** Default 1. GSM 6.10 supports mono only. */
  channels?: 1 | 2;
  /** Default `pcm_s16le` in WAV. */
  codec?: TestAudioCodec;
  /** Picks the tone: every seed gives different audio bytes. Default 0. */
  seed?: number;
  /** Stereo only: this channel is digital silence (a one-sided call). */
  silentChannel?: 0 | 1;
}

const CODEC_ARGS: Record<TestAudioCodec, string[]> = {
  pcm_s16le: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  pcm_mulaw: ['-c:a', 'pcm_mulaw', '-f', 'wav'],
  pcm_alaw: ['-c:a', 'pcm_alaw', '-f', 'wav'],
  gsm_ms: ['-c:a', 'libgsm_ms', '-f', 'wav'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '32k', '-f', 'mp3'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
};

/**
 * The two tones (Hz) of `channel` for `seed` (a non-negative integer): a main tone from
 * `seed % 1500` and a quiet second tone from `seed / 1500`, so seeds below ~5.8 million all give
 * different audio, even after µ-law or GSM quantization. Everything stays under 4 kHz, so 8 kHz
 * audio does not alias.
 */
export function toneFor(seed: number, channel: 0 | 1 = 0): { main: number; second: number } {
  const n = Math.abs(Math.trunc(seed));
  return {
    main: 200 + (n % 1500) + (channel === 0 ? 0 : 1700),
    second: 60 + (Math.floor(n / 1500) % 3900),
  };
}

/**
 * Writes a tone recording with one ffmpeg spawn (~0.1 s) and returns `path`.
 * Stereo gets a different tone per channel, or silence on `silentChannel`.
 */
export async function writeTestAudio(path: string, options: TestAudioOptions): Promise<string> {
  const sampleRate = options.sampleRate ?? 8000;
  const channels = options.channels ?? 1;
  const codec = options.codec ?? 'pcm_s16le';
  const seed = options.seed ?? 0;
  const tone = (channel: 0 | 1): string => {
    if (options.silentChannel === channel) return '0';
    const { main, second } = toneFor(seed, channel);
    return `0.5*sin(2*PI*${main}*t)+0.1*sin(2*PI*${second}*t)`;
  };
  const exprs = channels === 2 ? `${tone(0)}|${tone(1)}` : tone(0);
  const source = `aevalsrc=${exprs}:s=${sampleRate}:d=${options.seconds}`;

  const args = ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', source, ...CODEC_ARGS[codec], resolve(path)];
  const result = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), args);
  if (result.exitCode !== 0) {
    throw new Error(`writeTestAudio(${codec}, ${sampleRate} Hz, ${channels} ch) failed: ${result.stderr.trim()}`);
  }
  return path;
}

/** What {@link writeTruncatedWav} left on disk. */
export interface TruncatedWav {
  /** Audio bytes the data chunk header declares. */
  declaredBytes: number;
  /** Audio bytes actually in the file. */
  presentBytes: number;
}

/**
 * Writes a 16-bit PCM WAV whose header is intact but whose audio is cut short (an upload that
 * stopped half-way): `keepFraction` of the declared data is kept (default 0.5).
 */
export async function writeTruncatedWav(
  path: string,
  options: { seconds?: number; seed?: number; keepFraction?: number } = {},
): Promise<TruncatedWav> {
  await writeTestAudio(path, { seconds: options.seconds ?? 2, seed: options.seed ?? 0 });
  const bytes = await readFile(path);
  const dataAt = bytes.indexOf('data', 12, 'latin1');
  if (dataAt < 0) throw new Error(`writeTruncatedWav: no data chunk in ${path}`);
  const declaredBytes = bytes.readUInt32LE(dataAt + 4);
  // keep whole sample frames so only the missing length, not a split sample, is the fault
  const presentBytes = Math.floor((declaredBytes * (options.keepFraction ?? 0.5)) / 2) * 2;
  await truncate(path, dataAt + 8 + presentBytes);
  return { declaredBytes, presentBytes };
}

/** What ffprobe says about the first audio stream: the reference the code under test is held to. */
export interface FfprobeAudio {
  codec: string;
  channels: number;
  sampleRate: number;
  durationSeconds: number;
}

/** Runs ffprobe on `path` (throws when it fails or finds no audio stream). */
export async function ffprobeAudio(path: string): Promise<FfprobeAudio> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', resolve(path)];
  const result = await runMediaProcess('ffprobe', mediaToolPath('ffprobe'), args);
  if (result.exitCode !== 0) throw new Error(`ffprobe ${path} failed: ${result.stderr.trim()}`);
  const parsed = JSON.parse(result.stdout) as {
    streams?: { codec_type?: string; codec_name?: string; channels?: number; sample_rate?: string; duration?: string }[];
    format?: { duration?: string };
  };
  const stream = parsed.streams?.find((candidate) => candidate.codec_type === 'audio');
  if (stream === undefined) throw new Error(`ffprobe ${path}: no audio stream`);
  return {
    codec: stream.codec_name ?? '',
    channels: stream.channels ?? 0,
    sampleRate: Number(stream.sample_rate),
    durationSeconds: Number(stream.duration ?? parsed.format?.duration),
  };
}

/** Runs ffmpeg with `args` (after `-nostdin -v error -y`); throws with its stderr on failure. */
export async function runFfmpeg(args: readonly string[]): Promise<void> {
  const result = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), ['-nostdin', '-v', 'error', '-y', ...args]);
  if (result.exitCode !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr.trim()}`);
}
