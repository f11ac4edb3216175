import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAudioTool } from '../audio/audio-tools.ts';

/**
 * Decoded duration of an uploaded audio file in seconds, or `undefined` when it cannot be
 * decoded (what the real API reports as "Audio file might be corrupted or unsupported").
 *
 * WAV and FLAC are read from their headers in code: ffprobe costs ~0.1 s of a core per spawn
 * (see measured-here.md) and nearly every pipeline upload is one of the two. Anything else, or a
 * header we cannot make sense of, goes through ffprobe on a temp file, then a full decode.
 * The format is sniffed from the bytes, not the extension, as a decoder would.
 */
export async function audioDurationSeconds(bytes: Uint8Array, fileName: string): Promise<number | undefined> {
  if (bytes.length === 0) return undefined;
  const fromHeader = wavDurationSeconds(bytes) ?? flacDurationSeconds(bytes);
  if (fromHeader !== undefined) return fromHeader;
  return probeWithFfmpeg(bytes, fileName);
}

const ascii = (bytes: Uint8Array, at: number, length: number): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.max(0, Math.min(length, bytes.length - at))).toString('latin1');

/** RIFF/WAVE: `fact` sample frames for compressed codecs (GSM, µ-law…), else data bytes / byte rate. */
export function wavDurationSeconds(bytes: Uint8Array): number | undefined {
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { tag: number; sampleRate: number; byteRate: number } | undefined;
  let factFrames: number | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= bytes.length) {
      format = {
        tag: view.getUint16(body, true),
        sampleRate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
      };
    } else if (id === 'fact' && body + 4 <= bytes.length) {
      factFrames = view.getUint32(body, true);
    } else if (id === 'data') {
      if (!format || format.sampleRate === 0 || format.byteRate === 0) return undefined;
      // writers that stream (and some telephony systems) leave 0 or 0xFFFFFFFF here: trust the bytes
      const available = bytes.length - body;
      const dataBytes = size === 0 || size > available ? available : size;
      const pcmLike = format.tag === 1 || format.tag === 3 || format.tag === 0xfffe;
      if (!pcmLike && factFrames !== undefined && factFrames > 0) return factFrames / format.sampleRate;
      return dataBytes / format.byteRate;
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/** FLAC: STREAMINFO total samples / sample rate; `undefined` when the encoder left the count at 0. */
export function flacDurationSeconds(bytes: Uint8Array): number | undefined {
  if (bytes.length < 42 || ascii(bytes, 0, 4) !== 'fLaC') return undefined;
  const blockType = (bytes[4] ?? 0) & 0x7f;
  if (blockType !== 0) return undefined;
  const b = (i: number): number => bytes[8 + i] ?? 0;
  const sampleRate = (b(10) << 12) | (b(11) << 4) | (b(12) >> 4);
  const totalSamples = (b(13) & 0x0f) * 2 ** 32 + ((b(14) << 24) >>> 0) + (b(15) << 16) + (b(16) << 8) + b(17);
  if (sampleRate === 0 || totalSamples === 0) return undefined;
  return totalSamples / sampleRate;
}

async function probeWithFfmpeg(bytes: Uint8Array, fileName: string): Promise<number | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'openai-emulator-'));
  // keep the extension: it is ffprobe's hint for raw formats such as mp3 without an ID3 tag
  const extension = /\.[A-Za-z0-9]{1,8}$/.exec(fileName)?.[0] ?? '';
  const path = join(dir, `upload${extension}`);
  try {
    await writeFile(path, bytes);
    const probed = await run(resolveAudioTool('ffprobe').path, [
      '-v', 'error', '-select_streams', 'a:0',
      '-show_entries', 'stream=codec_type:format=duration', '-of', 'json', path,
    ]);
    if (probed.code !== 0) return undefined;
    const info = JSON.parse(probed.stdout.toString('utf8')) as {
      streams?: { codec_type?: string }[];
      format?: { duration?: string };
    };
    if (!info.streams?.some((stream) => stream.codec_type === 'audio')) return undefined;
    const duration = Number(info.format?.duration);
    if (Number.isFinite(duration) && duration > 0) return duration;
    // containers from MediaRecorder (webm) often carry no duration: count decoded samples instead
    const decoded = await run(resolveAudioTool('ffmpeg').path, ['-v', 'error', '-i', path, '-map', '0:a:0', '-ac', '1', '-ar', '8000', '-f', 's16le', '-']);
    return decoded.code === 0 && decoded.stdout.length > 0 ? decoded.stdout.length / 16_000 : undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(chunks) }));
  });
}
