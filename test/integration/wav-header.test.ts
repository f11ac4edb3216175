import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavHeader } from '../../src/audio/wav-header.ts';
import type { TestAudioCodec } from '../helpers/test-audio.ts';
import { ffprobeAudio, runFfmpeg, writeTestAudio, writeTruncatedWav } from '../helpers/test-audio.ts';
import { requireTools } from '../helpers/require-tools.ts';

const gsm = await requireTools('gsm-encoder');
const samplesDir = fileURLToPath(new URL('../fixtures/samples/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wav-header-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A minimal PCM 16-bit mono WAV, with optional chunks between fmt and data. */
function pcmWav(options: { sampleRate: number; samples: number; chunksBeforeData?: Buffer[] }): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(options.sampleRate, 12);
  fmt.writeUInt32LE(options.sampleRate * 2, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const data = Buffer.alloc(8 + options.samples * 2);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(options.samples * 2, 4);
  for (let i = 0; i < options.samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin(i / 5)), 8 + i * 2);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, ...(options.chunksBeforeData ?? []), data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

function chunk(id: string, size: number): Buffer {
  // odd sizes get the pad byte RIFF requires
  const buffer = Buffer.alloc(8 + size + (size % 2), 0x41);
  buffer.write(id, 0, 'latin1');
  buffer.writeUInt32LE(size, 4);
  return buffer;
}

describe('readWavHeader', () => {
  const cases: { name: string; codec: TestAudioCodec; sampleRate: number; channels: 1 | 2; tag: number }[] = [
    { name: '16-bit PCM 8 kHz mono', codec: 'pcm_s16le', sampleRate: 8000, channels: 1, tag: 1 },
    { name: '16-bit PCM 44.1 kHz stereo', codec: 'pcm_s16le', sampleRate: 44100, channels: 2, tag: 1 },
    { name: 'µ-law 8 kHz', codec: 'pcm_mulaw', sampleRate: 8000, channels: 1, tag: 7 },
    { name: 'A-law 8 kHz', codec: 'pcm_alaw', sampleRate: 8000, channels: 1, tag: 6 },
    { name: 'GSM 6.10 8 kHz', codec: 'gsm_ms', sampleRate: 8000, channels: 1, tag: 0x31 },
  ];

  const agreesWithFfprobe = async ({ codec, sampleRate, channels, tag }: (typeof cases)[number]) => {
    const path = join(dir, `${codec}-${sampleRate}-${channels}.wav`);
    await writeTestAudio(path, { seconds: 2.5, sampleRate, channels, codec, seed: 3 });
    const header = await readWavHeader(path);
    const probed = await ffprobeAudio(path);

    expect(header).toBeDefined();
    expect(header?.formatTag).toBe(tag);
    expect(header?.codec).toBe(probed.codec);
    expect(header?.channels).toBe(probed.channels);
    expect(header?.sampleRate).toBe(probed.sampleRate);
    expect(header?.durationSeconds).toBeCloseTo(probed.durationSeconds, 3);
    expect(header?.truncated).toBe(false);
    expect(header?.declaredDataSize).toBe(header?.dataSize);
  };
  // GSM test audio needs an ffmpeg with libgsm (Debian's), the others any ffmpeg
  it.each(cases.filter((c) => c.codec !== 'gsm_ms'))('agrees with ffprobe on $name', agreesWithFfprobe);
  gsm.it('agrees with ffprobe on GSM 6.10 8 kHz', () => agreesWithFfprobe(cases.find((c) => c.codec === 'gsm_ms')!));

  it('finds the data chunk after the LIST chunk ffmpeg writes', async () => {
    const path = join(dir, 'list.wav');
    await writeTestAudio(path, { seconds: 1 });
    const bytes = await readFile(path);
    const header = await readWavHeader(path);
    expect(bytes.includes('LIST', 0, 'latin1')).toBe(true);
    expect(header?.dataOffset).toBeGreaterThan(44);
    expect(bytes.toString('latin1', header!.dataOffset - 8, header!.dataOffset - 4)).toBe('data');
    expect(header).toMatchObject({ byteRate: 16000, blockAlign: 2, bitsPerSample: 16, fileSize: bytes.length });
    expect(header?.dataSize).toBe(16000);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE (24-bit, float, 3 channels) like ffprobe', async () => {
    const variants = [
      ['s24.wav', ['-c:a', 'pcm_s24le']],
      ['f32.wav', ['-c:a', 'pcm_f32le', '-ac', '2']],
      ['3ch.wav', ['-c:a', 'pcm_s16le', '-ac', '3']],
    ] as const;
    for (const [name, codecArgs] of variants) {
      const path = join(dir, name);
      await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=500:sample_rate=16000:duration=1.5', ...codecArgs, path]);
      const header = await readWavHeader(path);
      const probed = await ffprobeAudio(path);
      expect(header?.codec, name).toBe(probed.codec);
      expect(header?.channels, name).toBe(probed.channels);
      expect(header?.durationSeconds, name).toBeCloseTo(probed.durationSeconds, 3);
    }
    expect((await readWavHeader(join(dir, '3ch.wav')))?.formatTag).toBe(0xfffe);
  });

  it('reads RF64 sizes from the ds64 chunk', async () => {
    const path = join(dir, 'rf64.wav');
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=sample_rate=8000:duration=2', '-c:a', 'pcm_s16le', '-rf64', 'always', path]);
    const header = await readWavHeader(path);
    expect(header).toMatchObject({ container: 'RF64', codec: 'pcm_s16le', declaredDataSize: 32000, truncated: false });
    expect(header?.durationSeconds).toBeCloseTo(2, 6);
  });

  it('walks past a chunk larger than the 64 KiB head, and odd-sized chunks', async () => {
    const path = join(dir, 'junk.wav');
    await writeFile(
      path,
      pcmWav({ sampleRate: 8000, samples: 12000, chunksBeforeData: [chunk('LIST', 7), chunk('junk', 100_001)] }),
    );
    const header = await readWavHeader(path);
    const probed = await ffprobeAudio(path);
    expect(header?.dataOffset).toBe(12 + 24 + 16 + 100_010 + 8);
    expect(header?.durationSeconds).toBeCloseTo(1.5, 6);
    expect(header?.durationSeconds).toBeCloseTo(probed.durationSeconds, 3);
  });

  it('uses the fact chunk of GSM 6.10 for the exact length, like ffprobe', async () => {
    const path = join(samplesDir, 'Renewals/11_27_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav');
    const header = await readWavHeader(path);
    const probed = await ffprobeAudio(path);
    expect(header).toMatchObject({ formatTag: 0x31, codec: 'gsm_ms', byteRate: 1625, blockAlign: 65 });
    expect(header?.durationSeconds).toBeCloseTo(probed.durationSeconds, 4);
  });

  it('flags a WAV whose data is cut short', async () => {
    const path = join(dir, 'truncated.wav');
    const { declaredBytes, presentBytes } = await writeTruncatedWav(path, { seconds: 2 });
    const header = await readWavHeader(path);
    expect(header).toMatchObject({ truncated: true, declaredDataSize: declaredBytes, availableDataSize: presentBytes });
  });

  it.each([0, 0xffffffff])('treats a streaming data size of %d as unknown, not truncated', async (placeholder) => {
    const path = join(dir, `streaming-${placeholder}.wav`);
    await writeTestAudio(path, { seconds: 1.25, seed: 9 });
    const bytes = await readFile(path);
    const dataAt = bytes.indexOf('data', 12, 'latin1');
    bytes.writeUInt32LE(placeholder, dataAt + 4);
    bytes.writeUInt32LE(placeholder, 4);
    await writeFile(path, bytes);
    const header = await readWavHeader(path);
    expect(header).toMatchObject({ declaredDataSize: undefined, dataSize: 20000, truncated: false });
    expect(header?.durationSeconds).toBeCloseTo(1.25, 6);
  });

  it('returns undefined for files that are not RIFF/WAVE or have no data chunk', async () => {
    const mp3 = await writeTestAudio(join(dir, 'tone.mp3'), { seconds: 1, codec: 'mp3' });
    const flac = await writeTestAudio(join(dir, 'tone.flac'), { seconds: 1, codec: 'flac' });
    const text = join(dir, 'text.wav');
    await writeFile(text, 'this is not audio\n');
    const empty = join(dir, 'empty.wav');
    await writeFile(empty, '');
    const headerOnly = join(dir, 'cut-in-fmt.wav');
    await writeFile(headerOnly, pcmWav({ sampleRate: 8000, samples: 10 }).subarray(0, 30));
    const avi = join(dir, 'riff-avi.wav');
    await writeFile(avi, Buffer.from('RIFF\x10\x00\x00\x00AVI LIST\x00\x00\x00\x00', 'latin1'));

    for (const path of [mp3, flac, text, empty, headerOnly, avi]) {
      expect(await readWavHeader(path), path).toBeUndefined();
    }
  });

  it('leaves the codec undefined for format tags it does not know, so ffprobe decides', async () => {
    const path = join(dir, 'adpcm.wav');
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=sample_rate=8000:duration=1', '-c:a', 'adpcm_ima_wav', path]);
    const header = await readWavHeader(path);
    expect(header?.formatTag).toBe(0x11);
    expect(header?.codec).toBeUndefined();
  });
});
