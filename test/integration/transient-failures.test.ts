import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('a 429/5xx storm (real process): retried with backoff, failed with the reason, swept back later', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;
  let service: RecpipeService;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-storm-'));
  });
  afterAll(async () => {
    await service?.stop('SIGKILL').catch(() => {});
    await running.close();
  });

  it('honours Retry-After, fails after MAX_ATTEMPTS keeping the audio, and the sweep finishes it once the API is back', async () => {
    const dataDir = path.join(root, 'data');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    emulator.faults.enqueue({ status: 429, retryAfter: '0.3', count: 2 });
    emulator.faults.enqueue({ status: 503, count: 3 });
    service = await RecpipeService.start(
      {
        DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: running.url,
        HTTP_PORT: String(await freePort()),
        INBOX_STABLE_MS: '100',
        INBOX_RESCAN_INTERVAL_MS: '1000',
        MAX_ATTEMPTS: '4',
        RETRY_BASE_DELAY_MS: '50',
        RETRY_MAX_DELAY_MS: '2000',
        RETRY_SWEEP_MS: '3000',
      },
      root,
    );
    await writeTestAudio(path.join(dataDir, 'inbox', 'storm.wav'), { seconds: 2, seed: 7000 });

    const report = path.join(dataDir, 'failed', 'storm.wav.error.json');
    await waitFor('the failure report', () => existsSync(report), 30_000);
    const failure = JSON.parse(await readFile(report, 'utf8')) as Record<string, unknown>;
    expect(failure).toMatchObject({ stage: 'transcribe', attempts: 4 });
    expect(String(failure.error)).toMatch(/^gave up after 4 attempts: .*503/);
    expect(Date.parse(String(failure.retryAt))).toBeGreaterThan(Date.parse(String(failure.at)));
    expect(existsSync(path.join(dataDir, 'failed', 'storm.wav'))).toBe(true);
    // the two 429s were retried after their Retry-After, not sooner
    const [first, second] = emulator.stats.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(290);
    expect(emulator.stats.requests.map((r) => r.retryCount)).toEqual([0, 0, 0, 0]); // the pipeline owns retries, not the SDK

    // one 503 is still queued: the swept recording meets it once more, then its retry succeeds
    await waitFor('the swept recording done and archived', async () => (await readdir(path.join(dataDir, 'processed'), { recursive: true })).some((f) => f.endsWith('storm.wav')), 30_000);
    expect((await readdir(path.join(dataDir, 'transcripts'))).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(existsSync(report)).toBe(false);
    expect(existsSync(path.join(dataDir, 'failed', 'storm.wav'))).toBe(false);
    // the outcome is counted right after the archive: wait for it rather than race it
    const metrics = await waitFor('the success counted', async () => {
      const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
      return /^files_processed_total\{status="success"\} 1$/m.test(text) ? text : undefined;
    }, 30_000);
    expect(metrics).toMatch(/^retries_total\{service="openai"\} [3-9]/m);
    expect((await service.stop()).code).toBe(0);
  });
});
