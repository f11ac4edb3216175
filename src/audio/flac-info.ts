import { open } from 'node:fs/promises';
import { PermanentError } from '../errors.ts';

/** The FLAC STREAMINFO block: what a FLAC file holds, without decoding it. */
export interface FlacInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 when the encoder did not know (a stream written to a pipe). */
  totalSamples: number;
  /** totalSamples / sampleRate; 0 when totalSamples is unknown. */
  durationSeconds: number;
}

// "fLaC" (4) + metadata block header (4) + STREAMINFO body (34)
const STREAMINFO_END = 42;

/**
 * Reads the STREAMINFO block at the start of a FLAC file. Throws PermanentError when the file
 * does not start with a FLAC STREAMINFO (ffmpeg always writes one first).
 */
export async function readFlacInfo(path: string): Promise<FlacInfo> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(STREAMINFO_END);
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(head, 0, STREAMINFO_END, 0));
  } finally {
    await handle.close();
  }
  // block type is the low 7 bits of the header's first byte; STREAMINFO is type 0 with 34 bytes
  if (bytesRead < STREAMINFO_END || head.toString('latin1', 0, 4) !== 'fLaC' || (head[4]! & 0x7f) !== 0) {
    throw new PermanentError(`not a FLAC file with STREAMINFO: ${path}`, { system: 'ffmpeg' });
  }
  return parseStreamInfo(head.subarray(8, STREAMINFO_END));
}

/** Parses the 34-byte STREAMINFO body (big-endian bit fields). */
function parseStreamInfo(body: Buffer): FlacInfo {
  // bytes 10..17: sample rate (20 bits), channels − 1 (3), bits per sample − 1 (5), total samples (36)
  const packed = body.readBigUInt64BE(10);
  const sampleRate = Number(packed >> 44n);
  const channels = Number((packed >> 41n) & 0x7n) + 1;
  const bitsPerSample = Number((packed >> 36n) & 0x1fn) + 1;
  const totalSamples = Number(packed & 0xfffffffffn);
  return {
    sampleRate,
    channels,
    bitsPerSample,
    totalSamples,
    durationSeconds: sampleRate > 0 ? totalSamples / sampleRate : 0,
  };
}
