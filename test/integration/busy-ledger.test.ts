import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('a ledger locked by another process while a paid transcription comes back (real process, real SQLite lock)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;
  let service: RecpipeService | undefined;
  let locker: Database.Database | undefined;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-busy-'));
  });
  afterAll(async () => {
    if (locker?.inTransaction) locker.exec('ROLLBACK');
    locker?.close();
    await service?.stop('SIGKILL').catch(() => {});
    await running.close();
  });

  it('keeps the transcript through a 7 s BEGIN EXCLUSIVE (longer than the 5 s busy timeout): no failure, no second OpenAI request', async () => {
    const dataDir = path.join(root, 'data');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    service = await RecpipeService.start(
      {
        DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: running.url,
        HTTP_PORT: String(await freePort()),
        INBOX_STABLE_MS: '100',
        INBOX_RESCAN_INTERVAL_MS: '60000',
        SERVICE_CHECK_INTERVAL_MS: '500',
        DISK_FREE_MIN_MB: '1',
      },
      root,
    );
    emulator.faults.hold();
    const audio = path.join(dataDir, 'inbox', 'locked.wav');
    await writeTestAudio(audio, { seconds: 2, seed: 9100 });
    await waitFor('the transcription request parked at the emulator', () => emulator.stats.held === 1, 30_000);

    // another process (a backup, an operator's sqlite3 shell) takes the write lock
    locker = new Database(path.join(dataDir, 'pipeline.db'), { timeout: 0 });
    locker.exec('BEGIN EXCLUSIVE');
    emulator.faults.release(); // OpenAI answers (and is paid) while the ledger is locked
    // (the upload is the normalized audio, so count requests, not the original file's hash: one recording here)
    await waitFor('the answer delivered', () => emulator.stats.requests.some((r) => r.status === 200 && r.delivered), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 7000));
    locker.exec('COMMIT');

    const row = () => locker!.prepare('SELECT state, attempts, stage, last_error FROM recordings').get() as Record<string, unknown>;
    await waitFor('the recording done', () => row().state === 'done', 40_000);
    expect((await readdir(path.join(dataDir, 'transcripts'))).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(row()).toMatchObject({ state: 'done', attempts: 1, stage: null });
    expect(emulator.stats.requests.filter((r) => r.path.includes('transcriptions'))).toHaveLength(1);
    expect(await readdir(path.join(dataDir, 'failed'))).toEqual([]);
    // the write that waited out the lock is visible in the log as a busy ledger, never as a failure
    expect(service.logs.some((l) => l.msg === 'recording failed')).toBe(false);
    expect((await service.stop()).code).toBe(0);
    service = undefined;
  }, 90_000);
});
