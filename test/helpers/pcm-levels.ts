import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mediaToolPath, runMediaProcess } from '../../src/audio/ffmpeg-process.ts';
import type { Span } from '../../src/audio/span.ts';

/** A file decoded by ffmpeg to 16-bit samples, interleaved by channel. */
export interface DecodedAudio {
  samples: Int16Array;
  channels: number;
  sampleRate: number;
}

/** Decodes any audio file with ffmpeg to signed 16-bit PCM at its own rate and channel count. */
export async function decodePcm(file: string, channels: number, sampleRate: number): Promise<DecodedAudio> {
  // through a file: the process helper returns stdout as text, which would mangle samples
  const dir = await mkdtemp(path.join(tmpdir(), 'pcm-'));
  const raw = path.join(dir, 'audio.s16');
  try {
    const result = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), [
      ...['-nostdin', '-v', 'error', '-i', file, '-f', 's16le', '-acodec', 'pcm_s16le'],
      ...['-ac', String(channels), '-ar', String(sampleRate), raw],
    ]);
    if (result.exitCode !== 0) throw new Error(`ffmpeg could not decode ${file}: ${result.stderr}`);
    const bytes = await readFile(raw);
    return { samples: new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2)), channels, sampleRate };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** RMS of one channel over [start, end) seconds, in dBFS (−Infinity for digital silence). */
export function rmsDbfs(audio: DecodedAudio, channel: number, span: Span): number {
  const from = Math.max(0, Math.ceil(span.start * audio.sampleRate));
  const to = Math.min(audio.samples.length / audio.channels, Math.floor(span.end * audio.sampleRate));
  let sum = 0;
  for (let i = from; i < to; i++) sum += (audio.samples[i * audio.channels + channel] ?? 0) ** 2;
  const rms = Math.sqrt(sum / Math.max(1, to - from));
  return 20 * Math.log10(rms / 32768);
}

/**
 * How far `b` is from `a` over [start, end) of one channel: the largest sample difference, and
 * the signal-to-error ratio in dB (Infinity when identical).
 */
export function difference(a: DecodedAudio, b: DecodedAudio, channel: number, span: Span): { maxAbs: number; snrDb: number } {
  const from = Math.max(0, Math.ceil(span.start * a.sampleRate));
  const to = Math.min(a.samples.length / a.channels, b.samples.length / b.channels, Math.floor(span.end * a.sampleRate));
  let maxAbs = 0;
  let signal = 0;
  let error = 0;
  for (let i = from; i < to; i++) {
    const x = a.samples[i * a.channels + channel] ?? 0;
    const y = b.samples[i * b.channels + channel] ?? 0;
    maxAbs = Math.max(maxAbs, Math.abs(x - y));
    signal += x * x;
    error += (x - y) ** 2;
  }
  return { maxAbs, snrDb: error === 0 ? Infinity : 10 * Math.log10(signal / error) };
}
