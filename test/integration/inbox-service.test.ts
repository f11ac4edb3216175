import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { freePort } from '../helpers/free-port.ts';
import { promtoolCheckMetrics } from '../helpers/promtool.ts';
import { RecpipeService } from '../helpers/recpipe-process.ts';
import { listFiles } from '../helpers/list-files.ts';
import { writeTestAudio, writeTruncatedWav, type TestAudioCodec } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('promtool', 'gsm-encoder');

const CODECS: TestAudioCodec[] = ['pcm_s16le', 'gsm_ms', 'pcm_mulaw', 'mp3', 'pcm_alaw'];

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

tools.describe('recpipe start on the inbox (real process, real ffmpeg, OpenAI emulator over HTTP)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let service: RecpipeService;
  let root: string;
  let dataDir: string;
  let inbox: string;
  const expectedIds = new Map<string, string>(); // file name → recording id

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-inbox-'));
    dataDir = path.join(root, 'data');
    inbox = path.join(dataDir, 'inbox');
    const staging = path.join(root, 'staging');
    await mkdir(staging, { recursive: true });
    await mkdir(inbox, { recursive: true });
    service = await RecpipeService.start(
      {
        DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: running.url,
        HTTP_PORT: String(await freePort()),
        CONCURRENCY: '4',
        INBOX_STABLE_MS: '700',
        INBOX_RESCAN_INTERVAL_MS: '3000',
        RETRY_BASE_DELAY_MS: '50',
        RETRY_MAX_DELAY_MS: '500',
        MAX_ATTEMPTS: '3',
      },
      root,
    );

    // 20 good recordings in several codecs, mono and stereo, in Five9-like day folders
    for (let i = 1; i <= 20; i++) {
      const codec = CODECS[i % CODECS.length]!;
      const stereo = i % 7 === 0 && codec === 'pcm_s16le';
      const name = `55500000${String(i).padStart(2, '0')}Inbound by agent${i}@example.com @ ${1 + (i % 12)}_0${i % 10}_00 PM.${codec === 'mp3' ? 'mp3' : 'wav'}`;
      const staged = path.join(staging, name);
      await writeTestAudio(staged, { seconds: 2 + (i % 4), seed: i, codec, channels: stereo ? 2 : 1 });
      expectedIds.set(name, (await sha256(staged)).slice(0, 16));
      const dayFolder = path.join(inbox, 'Inbound', `11_${1 + (i % 3)}_2026`);
      await mkdir(dayFolder, { recursive: true });
      await copyFile(staged, path.join(dayFolder, name));
    }
    // bad input: empty, text named .wav, truncated WAV
    await writeFile(path.join(inbox, 'empty.wav'), '');
    await writeFile(path.join(inbox, 'notes.wav'), 'this is not audio, just a text file someone named .wav\n');
    await writeTruncatedWav(path.join(staging, 'cut.wav'), { seconds: 3, seed: 99 });
    await rename(path.join(staging, 'cut.wav'), path.join(inbox, 'cut.wav'));
    // a dot file and a temp upload are never taken
    await writeFile(path.join(inbox, '.hidden.wav'), 'x');
    await writeTestAudio(path.join(inbox, 'uploading.wav.part'), { seconds: 1, seed: 500 });
  }, 120_000);

  afterAll(async () => {
    if (service) await service.stop('SIGKILL').catch(() => {});
    await running?.close();
  });

  it('takes a file that is still being written only after it stops growing', async () => {
    const full = path.join(root, 'staging', 'growing-source.wav');
    await writeTestAudio(full, { seconds: 6, seed: 321 });
    const bytes = await readFile(full);
    const target = path.join(inbox, 'growing.wav');
    const chunks = 8;
    const step = Math.ceil(bytes.length / chunks);
    for (let i = 0; i < chunks; i++) {
      await appendFile(target, bytes.subarray(i * step, (i + 1) * step));
      await new Promise((r) => setTimeout(r, 300));
    }
    const id = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const transcript = await waitFor('the growing file transcript', () => existsSync(path.join(dataDir, 'transcripts', `${id}.json`)), 60_000);
    expect(transcript).toBe(true);
    const doc = JSON.parse(await readFile(path.join(dataDir, 'transcripts', `${id}.json`), 'utf8')) as TranscriptDocument;
    expect(doc.audio.durationSeconds).toBeCloseTo(6, 1);
    // nothing of it was taken early: no failure and no second row for a partial copy
    expect((await listFiles(path.join(dataDir, 'failed'))).some((f) => f.includes('growing'))).toBe(false);
  });

  it('processes every good recording into processed/ with its transcript, and every bad one into failed/ with a reason', async () => {
    await waitFor(
      'all 20 good recordings in processed/',
      async () => (await listFiles(path.join(dataDir, 'processed'))).filter((f) => !f.includes('growing')).length >= 20,
      90_000,
    );
    await waitFor('3 error reports in failed/', async () => (await listFiles(path.join(dataDir, 'failed'))).filter((f) => f.endsWith('.error.json')).length >= 3, 30_000);

    const processed = await listFiles(path.join(dataDir, 'processed'));
    for (const [name, id] of expectedIds) {
      expect(processed.some((f) => path.basename(f) === name)).toBe(true);
      const doc = JSON.parse(await readFile(path.join(dataDir, 'transcripts', `${id}.json`), 'utf8')) as TranscriptDocument;
      expect(doc).toMatchObject({ id, source: 'inbox', fileName: name, model: 'whisper-1' });
      expect(doc.sha256.startsWith(id)).toBe(true);
      expect(doc.sourcePath).toContain(name);
      expect(Date.parse(doc.receivedAt)).not.toBeNaN();
      expect(doc.audio.durationSeconds).toBeGreaterThan(1.5);
      expect(doc.audio.sampleRate).toBe(8000);
      expect(doc.segments.length).toBeGreaterThan(0);
      for (const s of doc.segments) expect(s.end).toBeGreaterThan(s.start);
      expect(doc.text).toMatch(/Emulated speech/);
      expect(doc.redactions).toEqual({});
      expect(await readFile(path.join(dataDir, 'transcripts', `${id}.md`), 'utf8')).toMatch(/^\[00:00\] Emulated speech/m);
      // stereo recordings are transcribed per channel
      if (doc.audio.channels === 2) expect(new Set(doc.segments.map((s) => s.text.match(/audio (\w+)/)?.[1])).size).toBe(2);
    }
    // the inbox keeps only what must never be taken
    expect((await listFiles(inbox)).map((f) => path.basename(f)).sort()).toEqual(['.hidden.wav', 'uploading.wav.part']);

    const reasons: Record<string, string> = {};
    for (const name of ['empty.wav', 'notes.wav', 'cut.wav']) {
      expect(existsSync(path.join(dataDir, 'failed', name))).toBe(true); // the audio is kept
      const report = JSON.parse(await readFile(path.join(dataDir, 'failed', `${name}.error.json`), 'utf8')) as Record<string, unknown>;
      expect(report).toMatchObject({ stage: 'probe', attempts: 1 });
      expect(Date.parse(String(report.at))).not.toBeNaN();
      reasons[name] = String(report.error);
    }
    expect(reasons['empty.wav']).toMatch(/empty file \(0 bytes\)/);
    expect(reasons['notes.wav']).toMatch(/not an audio file/);
    expect(reasons['cut.wav']).toMatch(/truncated WAV/);
    // the emulator was paid once per track, never for a bad file
    expect(emulator.stats.requests.filter((r) => r.status === 200).length).toBe(
      emulator.stats.requests.filter((r) => r.delivered).length,
    );
  });

  it('reports ready, and serves /metrics that promtool accepts', async () => {
    const ready = await fetch(`${service.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { components: Array<{ name: string; ok: boolean }> };
    expect(body.components.map((c) => c.name)).toEqual(expect.arrayContaining(['ledger', 'inbox', 'publish:files']));

    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^files_processed_total\{status="success"\} 21$/m);
    expect(metrics).toMatch(/^files_processed_total\{status="failure"\} 3$/m);
    expect(metrics).toMatch(/^transcription_duration_seconds_count \d+$/m);
    expect(metrics).toMatch(/^pipeline_health 1$/m);
    expect(metrics).toMatch(/^recordings_in_flight 0$/m);
    expect(metrics).toMatch(/^audio_seconds_transcribed_total [1-9]/m);
    for (const name of ['notion_api_duration_seconds', 'active_sftp_connections', 'oldest_pending_recording_age_seconds', 'retries_total', 'process_cpu_seconds_total']) {
      expect(metrics).toContain(`# TYPE ${name}`);
    }
    const check = await promtoolCheckMetrics(metrics);
    expect([0, 3]).toContain(check.code);
    expect(check.problems).toEqual([]);
  });

  it('exits 0 on SIGTERM', async () => {
    const exit = await service.stop('SIGTERM');
    expect(exit.code).toBe(0);
    const leftovers = (await listFiles(dataDir)).filter((f) => f.endsWith('.tmp') || f.endsWith('.part') && !f.includes('uploading'));
    expect(leftovers).toEqual([]);
  });
});
