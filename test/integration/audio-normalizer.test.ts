import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeAudio } from '../../src/audio/audio-normalizer.ts';
import { probeAudio } from '../../src/audio/audio-probe.ts';
import { mediaToolPath, runMediaProcess } from '../../src/audio/ffmpeg-process.ts';
import { readFlacInfo } from '../../src/audio/flac-info.ts';
import { AbortedError, PermanentError } from '../../src/errors.ts';
import type { AudioInfo } from '../../src/recording.ts';
import { ffprobeAudio, runFfmpeg, writeTestAudio } from '../helpers/test-audio.ts';
import { requireTools } from '../helpers/require-tools.ts';

const gsm = await requireTools('gsm-encoder');
const samplesDir = fileURLToPath(new URL('../fixtures/samples/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audio-normalizer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Peak level in dBFS as ffmpeg's volumedetect measures it (-91 for digital silence in 16 bits). */
async function maxVolumeDb(path: string): Promise<number> {
  const args = ['-nostdin', '-hide_banner', '-nostats', '-i', path, '-af', 'volumedetect', '-f', 'null', '-'];
  const { stderr } = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), args);
  const match = /max_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  if (match?.[1] === undefined) throw new Error(`no volumedetect output: ${stderr}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 20));
  }
}

describe('normalizeAudio', () => {
  it('writes 8 kHz mono PCM as an 8 kHz 16-bit mono FLAC, described from its STREAMINFO', async () => {
    const input = await writeTestAudio(join(dir, 'mono.wav'), { seconds: 3, seed: 1 });
    const out = join(dir, 'mono-out');
    const tracks = await normalizeAudio(input, await probeAudio(input), out);

    expect(tracks).toHaveLength(1);
    const [track] = tracks;
    expect(track).toMatchObject({ channel: 0, path: join(out, 'ch0.flac'), sampleRate: 8000, durationSeconds: 3 });
    expect(track?.bytes).toBe((await stat(join(out, 'ch0.flac'))).size);
    expect(await readFlacInfo(join(out, 'ch0.flac'))).toMatchObject({ channels: 1, bitsPerSample: 16, totalSamples: 24000 });
    expect(await ffprobeAudio(join(out, 'ch0.flac'))).toMatchObject({ codec: 'flac', channels: 1, sampleRate: 8000 });
    expect(await listFiles(out)).toEqual(['ch0.flac']);
  });

  gsm.it('keeps GSM 6.10 at 8 kHz and resamples a 44.1 kHz MP3 to 16 kHz', async () => {
    const gsm = await writeTestAudio(join(dir, 'gsm.wav'), { seconds: 2, codec: 'gsm_ms', seed: 2 });
    const mp3 = await writeTestAudio(join(dir, 'cd.mp3'), { seconds: 2, codec: 'mp3', sampleRate: 44100, seed: 3 });

    const [gsmTrack] = await normalizeAudio(gsm, await probeAudio(gsm), join(dir, 'gsm-out'));
    const [mp3Track] = await normalizeAudio(mp3, await probeAudio(mp3), join(dir, 'mp3-out'));
    expect(gsmTrack).toMatchObject({ sampleRate: 8000, durationSeconds: 2 });
    expect(mp3Track?.sampleRate).toBe(16000);
    expect(mp3Track?.durationSeconds).toBeGreaterThan(1.95);
    expect(mp3Track?.durationSeconds).toBeLessThan(2.1);
    expect((await ffprobeAudio(mp3Track!.path)).sampleRate).toBe(16000);
  });

  it('splits stereo into a left and a right track with one run', async () => {
    const input = await writeTestAudio(join(dir, 'stereo.wav'), { seconds: 2, channels: 2, silentChannel: 1, seed: 4 });
    const out = join(dir, 'stereo-out');
    const tracks = await normalizeAudio(input, await probeAudio(input), out);

    expect(tracks.map((track) => [track.channel, track.path])).toEqual([
      [0, join(out, 'ch0.flac')],
      [1, join(out, 'ch1.flac')],
    ]);
    expect(await maxVolumeDb(join(out, 'ch0.flac'))).toBeGreaterThan(-10);
    expect(await maxVolumeDb(join(out, 'ch1.flac'))).toBeLessThan(-80);
    expect(tracks[1]!.bytes).toBeLessThan(tracks[0]!.bytes / 4);
    for (const track of tracks) {
      expect(await readFlacInfo(track.path)).toMatchObject({ channels: 1, sampleRate: 8000, totalSamples: 16000 });
    }
  });

  it('downmixes stereo when splitting is off, and anything above two channels', async () => {
    const stereo = await writeTestAudio(join(dir, 'stereo-mix.wav'), { seconds: 1, channels: 2, seed: 5 });
    const surround = join(dir, 'three.wav');
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=sample_rate=16000:duration=1', '-ac', '3', '-c:a', 'pcm_s16le', surround]);

    const mixed = await normalizeAudio(stereo, await probeAudio(stereo), join(dir, 'mix-out'), { splitChannels: false });
    const three = await normalizeAudio(surround, await probeAudio(surround), join(dir, 'three-out'));
    expect(mixed).toEqual([expect.objectContaining({ channel: 0, sampleRate: 8000, durationSeconds: 1 })]);
    expect(three).toEqual([expect.objectContaining({ channel: 0, sampleRate: 16000, durationSeconds: 1 })]);
    expect(await listFiles(join(dir, 'three-out'))).toEqual(['ch0.flac']);
    expect(await maxVolumeDb(three[0]!.path)).toBeGreaterThan(-30);
  });

  it('writes the same bytes on a re-run, replacing the earlier output', async () => {
    const input = await writeTestAudio(join(dir, 'again.wav'), { seconds: 1, seed: 6 });
    const out = join(dir, 'again-out');
    const info = await probeAudio(input);
    await normalizeAudio(input, info, out);
    const first = await readFile(join(out, 'ch0.flac'));
    await normalizeAudio(input, info, out);
    expect((await readFile(join(out, 'ch0.flac'))).equals(first)).toBe(true);
    expect(await listFiles(out)).toEqual(['ch0.flac']);
  });

  it('kills ffmpeg on abort mid-run and leaves no files behind', async () => {
    // a FIFO the test feeds by hand keeps ffmpeg running, waiting for more audio; ffmpeg opens its
    // outputs only after probing the input, which takes a few seconds of PCM
    const fifo = join(dir, 'live.wav');
    execFileSync('mkfifo', [fifo]);
    const wav = await readFile(await writeTestAudio(join(dir, 'live-source.wav'), { seconds: 10, seed: 7 }));
    const dataAt = wav.indexOf('data', 12, 'latin1');
    wav.writeUInt32LE(0xffffffff, 4);
    wav.writeUInt32LE(0xffffffff, dataAt + 4);

    const out = join(dir, 'abort-out');
    const controller = new AbortController();
    const info: AudioInfo = { codec: 'pcm_s16le', channels: 1, sampleRate: 8000, durationSeconds: 600 };
    const running = normalizeAudio(fifo, info, out, { signal: controller.signal });
    running.catch(() => undefined);
    const writer = await open(fifo, 'w');
    try {
      await writer.write(wav);
      await until(async () => (await listFiles(out).catch(() => [])).length === 1);
      const started = Date.now();
      controller.abort();
      await expect(running).rejects.toBeInstanceOf(AbortedError);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await listFiles(out)).toEqual([]);
    } finally {
      await writer.close().catch(() => undefined);
    }
  });

  it('does not start when the signal has already fired', async () => {
    const input = await writeTestAudio(join(dir, 'pre-abort.wav'), { seconds: 1 });
    const controller = new AbortController();
    controller.abort();
    const out = join(dir, 'pre-abort-out');
    await expect(normalizeAudio(input, await probeAudio(input), out, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(await listFiles(out).catch(() => [])).toEqual([]);
  });

  it('reports what ffmpeg said when it cannot convert, and cleans up', async () => {
    const input = join(dir, 'not-audio.wav');
    await writeFile(input, 'hello, this is text\n'.repeat(10));
    const out = join(dir, 'failed-out');
    const info: AudioInfo = { codec: 'pcm_s16le', channels: 2, sampleRate: 8000, durationSeconds: 1 };
    const error = await normalizeAudio(input, info, out).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/^ffmpeg failed \(exit \d+\): .*Invalid data found/);
    expect(await listFiles(out)).toEqual([]);
  });

  it('names a missing ffmpeg binary', async () => {
    const input = await writeTestAudio(join(dir, 'no-ffmpeg.wav'), { seconds: 1 });
    const out = join(dir, 'no-ffmpeg-out');
    const error = await normalizeAudio(input, await probeAudio(input), out, { ffmpegPath: '/nonexistent/ffmpeg-x' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('ffmpeg not found: "/nonexistent/ffmpeg-x"');
    expect(await listFiles(out)).toEqual([]);
  });

  it('rejects a file that is not FLAC when reading STREAMINFO', async () => {
    const path = await writeTestAudio(join(dir, 'not-flac.wav'), { seconds: 1 });
    await expect(readFlacInfo(path)).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('shipped sample recordings', () => {
  it('all probe and normalize', async () => {
    const files = (await listFiles(samplesDir)).filter((file) => /\.(wav|mp3)$/.test(file)).sort();
    expect(files).toHaveLength(5);
    const results = new Map<string, { info: AudioInfo; tracks: number[] }>();
    for (const [index, file] of files.entries()) {
      const path = join(samplesDir, file);
      expect((await stat(path)).size, file).toBeLessThan(150_000);
      const info = await probeAudio(path);
      const out = join(dir, 'samples', String(index));
      await mkdir(out, { recursive: true });
      const tracks = await normalizeAudio(path, info, out);
      for (const track of tracks) {
        expect(track.durationSeconds, file).toBeCloseTo(info.durationSeconds, 1);
        expect(track.sampleRate, file).toBe(Math.min(info.sampleRate, 16000));
      }
      results.set(file.split('/').pop()!, { info, tracks: tracks.map((track) => track.bytes) });
    }

    const byName = (prefix: string) => [...results].find(([name]) => name.startsWith(prefix))?.[1];
    expect(byName('5551234567Outbound')?.info).toMatchObject({ codec: 'gsm_ms', channels: 1, sampleRate: 8000 });
    expect(byName('300000001234567')?.info).toMatchObject({ codec: 'pcm_s16le', channels: 2, sampleRate: 8000 });
    expect(byName('300000001234567')?.tracks).toHaveLength(2);
    expect(byName('300000001234560')?.info).toMatchObject({ codec: 'pcm_mulaw', channels: 1 });
    expect(byName('5559876543Inbound')?.info).toMatchObject({ codec: 'pcm_s16le', channels: 1 });
    expect(byName('manual-upload')?.info).toMatchObject({ codec: 'mp3', sampleRate: 22050 });
  });
});
