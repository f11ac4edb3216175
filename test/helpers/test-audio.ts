import { open, readFile, truncate } from 'node:fs/promises';
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

/** One party speaking (or noise playing) from `start` to `end` seconds on `channel`. */
export interface CallTurn {
  start: number;
  end: number;
  /** Default 0 (mono, or the left channel). */
  channel?: 0 | 1;
  /** Peak level in dBFS; default -6. */
  levelDb?: number;
  /** This turn's texture, instead of the call's. */
  texture?: 'speech' | 'noise';
}

export interface CallAudioOptions {
  seconds: number;
  /** Hz; default 8000. */
  sampleRate?: number;
  /** Default 1. */
  channels?: 1 | 2;
  turns: readonly CallTurn[];
  /**
   * `speech` (default): bursts shaped like words and syllables (a buzzing voice with breath
   * noise, short gaps between words), which FLAC compresses like speech. `noise`: white noise
   * for the whole turn, which FLAC cannot compress (for size limits).
   */
  texture?: 'speech' | 'noise';
  /** Stereo: every turn is also heard on the other channel this many dB quieter (e.g. -20). */
  bleedDb?: number;
  /** Background hiss on every channel at this RMS level (dBFS); default none (digital silence). */
  noiseFloorDb?: number;
  /** Picks the random details; the same options always give the same bytes. Default 0. */
  seed?: number;
}

/**
 * Writes a 16-bit PCM WAV of a call built from `turns`, generated in Node a second at a time
 * (no ffmpeg, nothing held in memory: a 45-minute file costs well under a second), and returns
 * `path`. Between turns a channel is digital silence unless `noiseFloorDb` is set.
 */
export async function writeCallAudio(path: string, options: CallAudioOptions): Promise<string> {
  const rate = options.sampleRate ?? 8000;
  const channels = options.channels ?? 1;
  const total = Math.round(options.seconds * rate);
  const random = mulberry32(options.seed ?? 0);
  const bleed = options.bleedDb === undefined ? 0 : 10 ** (options.bleedDb / 20);
  const floor = options.noiseFloorDb === undefined ? 0 : 10 ** (options.noiseFloorDb / 20) * Math.sqrt(3);
  const words = options.turns.flatMap((turn) => wordsOf(turn, options.texture ?? 'speech', random));
  words.sort((a, b) => a.start - b.start);

  const file = await open(resolve(path), 'w');
  try {
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(36 + total * channels * 2, 4);
    header.write('WAVEfmt ', 8, 'latin1');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(channels, 22);
    header.writeUInt32LE(rate, 24);
    header.writeUInt32LE(rate * channels * 2, 28);
    header.writeUInt16LE(channels * 2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36, 'latin1');
    header.writeUInt32LE(total * channels * 2, 40);
    await file.write(header);
    let first = 0;
    for (let from = 0; from < total; from += rate) {
      const to = Math.min(total, from + rate);
      const block = Array.from({ length: channels }, () => new Float64Array(to - from));
      while (first < words.length && (words[first]?.end ?? 0) * rate < from) first += 1;
      for (let w = first; w < words.length; w++) {
        const word = words[w]!;
        if (word.start * rate >= to) break;
        const own = Math.min(word.channel, channels - 1);
        const lo = Math.max(from, Math.ceil(word.start * rate));
        const hi = Math.min(to, Math.floor(word.end * rate));
        for (let n = lo; n < hi; n++) {
          const value = word.sample(n / rate, random);
          block[own]![n - from]! += value;
          if (channels === 2 && bleed > 0) block[1 - own]![n - from]! += value * bleed;
        }
      }
      // WAV is little-endian, as is every machine Node runs on here
      const pcm = new Int16Array((to - from) * channels);
      for (let n = 0; n < to - from; n++) {
        for (let c = 0; c < channels; c++) {
          const value = block[c]![n]! + (floor > 0 ? (random() * 2 - 1) * floor : 0);
          pcm[n * channels + c] = Math.max(-32768, Math.min(32767, Math.round(value * 32767)));
        }
      }
      await file.write(Buffer.from(pcm.buffer));
    }
  } finally {
    await file.close();
  }
  return path;
}

interface Word {
  start: number;
  end: number;
  channel: 0 | 1;
  sample(t: number, random: () => number): number;
}

/** A turn as words: 0.25–0.7 s long with 0.08–0.2 s between them, each a few syllables. */
function wordsOf(turn: CallTurn, texture: 'speech' | 'noise', random: () => number): Word[] {
  const peak = 10 ** ((turn.levelDb ?? -6) / 20);
  const channel = turn.channel ?? 0;
  if ((turn.texture ?? texture) === 'noise') return [{ start: turn.start, end: turn.end, channel, sample: (_t, r) => (r() * 2 - 1) * peak }];
  const words: Word[] = [];
  for (let at = turn.start; at < turn.end - 0.1; ) {
    const end = Math.min(turn.end, at + 0.25 + random() * 0.45);
    const start = at;
    const syllables = Math.max(1, Math.round((end - start) / 0.18));
    const pitch = 100 + random() * 120;
    words.push({
      start,
      end,
      channel,
      sample: (t, r) => {
        const x = (t - start) / (end - start);
        const envelope = Math.sin(Math.PI * x * syllables) ** 2;
        let voice = 0;
        for (let k = 1; k <= 6; k++) voice += Math.sin(2 * Math.PI * pitch * k * t) / k;
        return peak * envelope * (0.55 * voice / 2.45 + 0.25 * (r() * 2 - 1));
      },
    });
    at = end + 0.08 + random() * 0.12;
  }
  return words;
}

/** A small seeded PRNG (uniform in [0, 1)): the same seed, the same audio. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
