import { readFile, writeFile } from 'node:fs/promises';
import type { Span } from './span.ts';
import type { WavHeader } from './wav-header.ts';

/**
 * One 65-byte GSM 6.10 (Microsoft WAV49) block that decodes to silence (about −66 dBFS of codec
 * noise): what libgsm writes for 320 zero samples from a fresh encoder.
 */
const SILENT_BLOCK = Buffer.from(
  '204817d684028024499224890280244992248902802449922489028024499224098274614d28004892244992280048922449922800489224499228004892244992',
  'hex',
);
const BLOCK_BYTES = 65;
const BLOCK_SAMPLES = 320;

/** True for the WAVs {@link muteGsmBlocks} can rewrite: mono GSM 6.10 in 65-byte blocks. */
export function isGsmWav(header: WavHeader | undefined): header is WavHeader {
  return header !== undefined && header.codec === 'gsm_ms' && header.channels === 1 && header.blockAlign === BLOCK_BYTES;
}

/**
 * Writes `target` as a copy of the GSM WAV `input` with every 40 ms block that overlaps a span
 * replaced by a silent block. Re-encoding GSM would cost every other block a generation of loss
 * and leaves a decaying DC tail (libgsm's offset filter) of about −33 dBFS for 0.3 s inside the
 * muted stretch; swapping blocks keeps every other byte as it was and is silent from the first
 * sample. Needs no GSM encoder (the npm-shipped ffmpeg has none). The block right after a span
 * decodes a little differently (the decoder's predictor restarts from silence).
 */
export async function muteGsmBlocks(input: string, header: WavHeader, spans: readonly Span[], target: string): Promise<void> {
  const bytes = await readFile(input);
  const blocks = Math.floor(Math.min(header.dataSize, header.availableDataSize) / BLOCK_BYTES);
  const blockSeconds = BLOCK_SAMPLES / header.sampleRate;
  for (const span of spans) {
    const first = Math.max(0, Math.floor(span.start / blockSeconds));
    const last = Math.min(blocks - 1, Math.ceil(span.end / blockSeconds) - 1);
    for (let block = first; block <= last; block++) SILENT_BLOCK.copy(bytes, header.dataOffset + block * BLOCK_BYTES);
  }
  await writeFile(target, bytes);
}
