import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { probeAudio } from '../../src/audio/audio-probe.ts';
import { AbortedError, PermanentError } from '../../src/errors.ts';
import type { TestAudioCodec } from '../helpers/test-audio.ts';
import { ffprobeAudio, runFfmpeg, writeTestAudio, writeTruncatedWav } from '../helpers/test-audio.ts';
import { requireTools } from '../helpers/require-tools.ts';

const gsm = await requireTools('gsm-encoder');
const GSM_SAMPLE = fileURLToPath(new URL('../fixtures/samples/Renewals/11_27_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav', import.meta.url));

const MISSING_BINARY = '/nonexistent/bin/ffprobe-missing';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audio-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Seeded bytes (xorshift32): random-looking, yet the same file on every run. */
function noise(length: number, seed: number): Buffer {
  const buffer = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buffer[i] = x & 0xff;
  }
  return buffer;
}

async function probeError(path: string, options = {}): Promise<Error> {
  const error = await probeAudio(path, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('probeAudio', () => {
  const formats: { name: string; file: string; codec: TestAudioCodec; sampleRate: number; channels: 1 | 2 }[] = [
    { name: 'PCM WAV', file: 'pcm.wav', codec: 'pcm_s16le', sampleRate: 8000, channels: 1 },
    { name: 'µ-law WAV', file: 'mulaw.wav', codec: 'pcm_mulaw', sampleRate: 8000, channels: 1 },
    { name: 'A-law WAV', file: 'alaw.wav', codec: 'pcm_alaw', sampleRate: 8000, channels: 1 },
    { name: 'GSM 6.10 WAV', file: 'gsm.wav', codec: 'gsm_ms', sampleRate: 8000, channels: 1 },
    { name: 'stereo PCM WAV', file: 'stereo.wav', codec: 'pcm_s16le', sampleRate: 8000, channels: 2 },
    { name: 'MP3 44.1 kHz', file: 'tone.mp3', codec: 'mp3', sampleRate: 44100, channels: 2 },
    { name: 'FLAC 16 kHz', file: 'tone.flac', codec: 'flac', sampleRate: 16000, channels: 1 },
  ];

  const describesAsFfprobe = async ({ file, codec, sampleRate, channels }: (typeof formats)[number]) => {
    const path = await writeTestAudio(join(dir, file), { seconds: 3, sampleRate, channels, codec, seed: 11 });
    const info = await probeAudio(path);
    const probed = await ffprobeAudio(path);
    expect(info).toEqual({
      codec: probed.codec,
      channels: probed.channels,
      sampleRate: probed.sampleRate,
      durationSeconds: expect.closeTo(probed.durationSeconds, 3) as number,
    });
    expect(info.channels).toBe(channels);
    expect(info.sampleRate).toBe(sampleRate);
    expect(info.durationSeconds).toBeGreaterThan(2.9);
    expect(info.durationSeconds).toBeLessThan(3.2);
  };
  // GSM test audio needs an ffmpeg with libgsm (Debian's), the others any ffmpeg
  it.each(formats.filter((f) => f.codec !== 'gsm_ms'))('describes $name as ffprobe does', describesAsFfprobe);
  gsm.it('describes GSM 6.10 WAV as ffprobe does', () => describesAsFfprobe(formats.find((f) => f.codec === 'gsm_ms')!));

  it('reads WAV headers in code, without spawning ffprobe', async () => {
    await expect(probeAudio(GSM_SAMPLE, { ffprobePath: MISSING_BINARY })).resolves.toMatchObject({ codec: 'gsm_ms' });
  });

  it('asks ffprobe about WAV codecs the header reader does not know', async () => {
    const path = join(dir, 'adpcm.wav');
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=sample_rate=8000:duration=2', '-c:a', 'adpcm_ima_wav', path]);
    expect(await probeAudio(path)).toMatchObject({ codec: 'adpcm_ima_wav', channels: 1, sampleRate: 8000 });
    await expect(probeAudio(path, { ffprobePath: MISSING_BINARY })).rejects.toThrow(MISSING_BINARY);
  });

  it('names the missing ffprobe binary, from the option or FFPROBE_PATH', async () => {
    const path = await writeTestAudio(join(dir, 'needs-ffprobe.mp3'), { seconds: 1, codec: 'mp3' });
    const fromOption = await probeError(path, { ffprobePath: MISSING_BINARY });
    expect(fromOption).toBeInstanceOf(PermanentError);
    expect(fromOption.message).toContain(MISSING_BINARY);

    vi.stubEnv('FFPROBE_PATH', '/nonexistent/from-env/ffprobe');
    const fromEnv = await probeError(path);
    expect(fromEnv).toBeInstanceOf(PermanentError);
    expect(fromEnv.message).toMatch(/ffprobe not found: "\/nonexistent\/from-env\/ffprobe".*FFPROBE_PATH/);
  });

  it('rejects an empty file', async () => {
    const path = join(dir, 'empty.wav');
    await writeFile(path, '');
    const error = await probeError(path);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe('empty file (0 bytes)');
  });

  it('rejects a text file named .wav with ffprobe’s short reason', async () => {
    const path = join(dir, 'notes.wav');
    await writeFile(path, 'Call notes: customer asked for a refund.\n'.repeat(20));
    const error = await probeError(path);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe('not an audio file: Invalid data found when processing input');
    expect(error.message).not.toContain(dir);
  });

  it('rejects random bytes', async () => {
    const path = join(dir, 'noise.wav');
    await writeFile(path, noise(48_000, 42));
    const error = await probeError(path);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe('not an audio file: Invalid data found when processing input');
  });

  it('rejects a truncated WAV with both sizes', async () => {
    const path = join(dir, 'truncated.wav');
    const { declaredBytes, presentBytes } = await writeTruncatedWav(path, { seconds: 2, keepFraction: 0.25 });
    const error = await probeError(path);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe(
      `truncated WAV: header declares ${declaredBytes} bytes of audio but the file holds ${presentBytes}`,
    );
  });

  it('rejects a WAV with a header and no audio', async () => {
    const path = await writeTestAudio(join(dir, 'zero.wav'), { seconds: 0 });
    const error = await probeError(path);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe('audio has zero duration');
  });

  it('rejects a media file without an audio stream', async () => {
    const path = join(dir, 'picture.png');
    await runFfmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=16x16', '-frames:v', '1', path]);
    const error = await probeError(path);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe('no audio stream');
  });

  it('rejects a missing file as permanent', async () => {
    const error = await probeError(join(dir, 'does-not-exist.wav'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/ENOENT/);
  });

  it('throws AbortedError when the signal has fired', async () => {
    const path = await writeTestAudio(join(dir, 'abort.mp3'), { seconds: 1, codec: 'mp3' });
    const controller = new AbortController();
    controller.abort();
    await expect(probeAudio(path, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });
});
