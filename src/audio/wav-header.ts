import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** What the RIFF/WAVE header of a file says, read without decoding any audio. */
export interface WavHeader {
  /** `RF64` (or `BW64`) when 64-bit sizes come from a `ds64` chunk. */
  container: 'RIFF' | 'RF64';
  /** The fmt chunk's format tag: 1 PCM, 3 float, 6 A-law, 7 µ-law, 0x31 GSM 6.10, 0xFFFE extensible. */
  formatTag: number;
  /** Codec name as ffmpeg names it (`pcm_s16le`, `gsm_ms`, …); undefined for tags this reader does not know. */
  codec: string | undefined;
  channels: number;
  sampleRate: number;
  /** Average bytes per second as declared (1,625 for GSM 6.10 at 8 kHz). */
  byteRate: number;
  /** Bytes per block: one sample frame for PCM, 65 for GSM 6.10. */
  blockAlign: number;
  bitsPerSample: number;
  /** Offset of the first audio byte. */
  dataOffset: number;
  /** Size of the data chunk as written; undefined when a streaming writer left 0 or 0xFFFFFFFF there. */
  declaredDataSize: number | undefined;
  /** Audio bytes the duration is computed from: the declared size, else what the file holds. */
  dataSize: number;
  /** Audio bytes actually present after `dataOffset`. */
  availableDataSize: number;
  fileSize: number;
  durationSeconds: number;
  /** The header declares more audio than the file holds (an upload cut short). */
  truncated: boolean;
}

// Every fmt/LIST/fact chunk of real recordings fits here; bigger chunks are skipped with positioned reads.
const HEAD_BYTES = 64 * 1024;
const MAX_CHUNKS = 64;
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

/**
 * Reads the RIFF/WAVE header of `path` (the first 64 KiB, plus a few bytes per chunk beyond).
 * Returns undefined when the file is not a WAV this reader can describe: not RIFF/WAVE, no fmt or
 * data chunk, or nonsense values. An ffprobe spawn costs ~0.1 s of a core; this costs a read.
 */
export async function readWavHeader(path: string): Promise<WavHeader | undefined> {
  const handle = await open(path, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, fileSize));
    await handle.read(head, 0, head.length, 0);
    return await parse(handle, head, fileSize);
  } finally {
    await handle.close();
  }
}

interface Format {
  formatTag: number;
  codec: string | undefined;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  samplesPerBlock: number;
}

async function parse(handle: FileHandle, head: Buffer, fileSize: number): Promise<WavHeader | undefined> {
  if (head.length < 12 || head.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  const riffId = head.toString('latin1', 0, 4);
  if (riffId !== 'RIFF' && riffId !== 'RF64' && riffId !== 'BW64') return undefined;
  const container = riffId === 'RIFF' ? 'RIFF' : 'RF64';

  const bytesAt = async (offset: number, length: number): Promise<Buffer> => {
    if (offset + length <= head.length) return head.subarray(offset, offset + length);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  };

  let format: Format | undefined;
  let ds64DataSize: number | undefined;
  let factSamples: number | undefined;
  let offset = 12;
  for (let chunks = 0; chunks < MAX_CHUNKS && offset + 8 <= fileSize; chunks++) {
    const chunkHeader = await bytesAt(offset, 8);
    if (chunkHeader.length < 8) return undefined;
    const id = chunkHeader.toString('latin1', 0, 4);
    const size = chunkHeader.readUInt32LE(4);
    const bodyOffset = offset + 8;

    if (id === 'fmt ') {
      format = parseFormat(await bytesAt(bodyOffset, Math.min(size, 40)));
      if (format === undefined) return undefined;
    } else if (id === 'ds64' && size >= 16) {
      // ds64: riffSize (8), dataSize (8), sampleCount (8); only the data size matters here
      const body = await bytesAt(bodyOffset, 16);
      if (body.length === 16) ds64DataSize = Number(body.readBigUInt64LE(8));
    } else if (id === 'fact' && size >= 4) {
      const body = await bytesAt(bodyOffset, 4);
      if (body.length === 4) factSamples = body.readUInt32LE(0);
    } else if (id === 'data') {
      if (format === undefined) return undefined;
      const declared = container === 'RF64' && size === 0xffffffff ? ds64DataSize : size;
      return describe(format, container, bodyOffset, declared, fileSize, factSamples);
    }
    // chunks are padded to an even size; the pad byte is not counted in the size field
    offset = bodyOffset + size + (size % 2);
  }
  return undefined;
}

function parseFormat(body: Buffer): Format | undefined {
  if (body.length < 16) return undefined;
  const formatTag = body.readUInt16LE(0);
  const channels = body.readUInt16LE(2);
  const sampleRate = body.readUInt32LE(4);
  const byteRate = body.readUInt32LE(8);
  const blockAlign = body.readUInt16LE(12);
  const bitsPerSample = body.readUInt16LE(14);
  if (channels === 0 || sampleRate === 0 || blockAlign === 0) return undefined;

  let effectiveTag = formatTag;
  // WAVE_FORMAT_EXTENSIBLE: cbSize (2), validBits (2), channelMask (4), then the sub-format GUID,
  // whose first two bytes are the plain format tag
  if (formatTag === 0xfffe) {
    if (body.length < 26) return undefined;
    effectiveTag = body.readUInt16LE(24);
  }
  // GSM 6.10 stores samples per block after cbSize; 320 is the only value in practice
  const samplesPerBlock = effectiveTag === 0x31 ? (body.length >= 20 ? body.readUInt16LE(18) : 320) || 320 : 1;
  return {
    formatTag,
    codec: codecName(effectiveTag, bitsPerSample, channels, blockAlign),
    channels,
    sampleRate,
    byteRate,
    blockAlign,
    bitsPerSample,
    samplesPerBlock,
  };
}

function codecName(tag: number, bits: number, channels: number, blockAlign: number): string | undefined {
  // a PCM block that is not channels × bytes per sample means packed or odd layouts: let ffprobe judge
  const plainBlock = blockAlign === channels * Math.ceil(bits / 8);
  switch (tag) {
    case 0x0001:
      if (!plainBlock) return undefined;
      return ({ 8: 'pcm_u8', 16: 'pcm_s16le', 24: 'pcm_s24le', 32: 'pcm_s32le' } as Record<number, string>)[bits];
    case 0x0003:
      if (!plainBlock) return undefined;
      return ({ 32: 'pcm_f32le', 64: 'pcm_f64le' } as Record<number, string>)[bits];
    case 0x0006:
      return 'pcm_alaw';
    case 0x0007:
      return 'pcm_mulaw';
    case 0x0031:
      return 'gsm_ms';
    default:
      return undefined;
  }
}

function describe(
  format: Format,
  container: WavHeader['container'],
  dataOffset: number,
  declared: number | undefined,
  fileSize: number,
  factSamples: number | undefined,
): WavHeader {
  const declaredDataSize = declared === undefined || UNKNOWN_SIZES.has(declared) ? undefined : declared;
  const availableDataSize = Math.max(0, fileSize - dataOffset);
  const dataSize = declaredDataSize ?? availableDataSize;
  // from blocks, not the declared byte rate, which some writers get wrong; equal for sane files
  const bytesPerSecond = (format.blockAlign * format.sampleRate) / format.samplesPerBlock;
  const dataSeconds = dataSize / bytesPerSecond;
  // block codecs pad the last block; the fact chunk counts the real samples (as ffprobe reports),
  // but cannot be more than the data holds (a writer that never updated it)
  const factSeconds =
    format.samplesPerBlock > 1 && factSamples !== undefined && !UNKNOWN_SIZES.has(factSamples)
      ? factSamples / format.sampleRate
      : undefined;
  return {
    container,
    formatTag: format.formatTag,
    codec: format.codec,
    channels: format.channels,
    sampleRate: format.sampleRate,
    byteRate: format.byteRate,
    blockAlign: format.blockAlign,
    bitsPerSample: format.bitsPerSample,
    dataOffset,
    declaredDataSize,
    dataSize,
    availableDataSize,
    fileSize,
    durationSeconds: factSeconds !== undefined ? Math.min(factSeconds, dataSeconds) : dataSeconds,
    truncated: declaredDataSize !== undefined && declaredDataSize > availableDataSize,
  };
}
