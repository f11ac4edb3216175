import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import type { Ledger } from '../../src/ledger/ledger.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { Service } from '../../src/main.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';

/**
 * The real SQLite ledger, except that one `setLocalPath` whose path is inside `folder` throws, as
 * a ledger write can (I/O error, disk full) right after the file moved.
 */
function ledgerFailingOnceAt(file: string, folder: string): Ledger & { tripped: boolean } {
  const real = new SqliteLedger(file);
  const state = { tripped: false };
  return new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'tripped') return state.tripped;
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'setLocalPath') {
        return async (seq: number, localPath: string) => {
          if (!state.tripped && localPath.startsWith(folder + path.sep)) {
            state.tripped = true;
            throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
          }
          return real.setLocalPath(seq, localPath);
        };
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as Ledger & { tripped: boolean };
}

describe('moves that cannot lose a file: the ledger write after a move fails (real SQLite, real ffmpeg, OpenAI emulator)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-moves-'));
  });
  afterAll(async () => {
    await running.close();
  });

  const configFor = (dataDir: string) =>
    loadConfig({ DATA_DIR: dataDir, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: running.url, WATCH_INBOX: 'false', DISK_FREE_MIN_MB: '1' });

  async function runOnce(dataDir: string, ledger?: Ledger) {
    const service = await Service.create(configFor(dataDir), log, ledger ? { ledger } : {});
    try {
      return (await service.runOnce()).tally.summary('run');
    } finally {
      await service.close();
    }
  }

  it('archive moved the audio to processed/ but the ledger kept the inbox path: the retry finds it, pays nothing again, and finishes', async () => {
    const dataDir = path.join(root, 'archive');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    await writeTestAudio(path.join(dataDir, 'inbox', 'moved.wav'), { seconds: 2, seed: 9300 });
    emulator.stats.clear();

    const failing = ledgerFailingOnceAt(path.join(dataDir, 'pipeline.db'), path.join(dataDir, 'processed'));
    const first = await runOnce(dataDir, failing);
    expect(failing.tripped).toBe(true);
    expect(first.failed).toBe(1);
    const report = JSON.parse(await readFile(path.join(dataDir, 'failed', 'moved.wav.error.json'), 'utf8')) as Record<string, unknown>;
    expect(report.stage).toBe('archive'); // never `unknown`
    expect(existsSync(path.join(dataDir, 'failed', 'moved.wav'))).toBe(true); // found in processed/ and kept with its report

    const ledger = new SqliteLedger(path.join(dataDir, 'pipeline.db'));
    const failed = await ledger.failedRows();
    expect(await ledger.retry(failed.map((r) => r.seq))).toHaveLength(1);
    await ledger.close();

    const second = await runOnce(dataDir);
    expect(second).toMatchObject({ succeeded: 1, failed: 0 });
    const processed = (await readdir(path.join(dataDir, 'processed'), { recursive: true })).filter((f) => f.endsWith('.wav'));
    expect(processed).toHaveLength(1);
    expect(await readdir(path.join(dataDir, 'failed'))).toEqual([]);
    expect(emulator.stats.requests.filter((r) => r.path.includes('transcriptions'))).toHaveLength(1);
  }, 60_000);

  it('a failed recording moved to failed/ but the ledger kept the inbox path: the report is written and `retry` finds the file there', async () => {
    const dataDir = path.join(root, 'fail');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    await writeFile(path.join(dataDir, 'inbox', 'notes.wav'), 'not audio at all, a text file named .wav\n');

    const failing = ledgerFailingOnceAt(path.join(dataDir, 'pipeline.db'), path.join(dataDir, 'failed'));
    expect((await runOnce(dataDir, failing)).failed).toBe(1);
    expect(failing.tripped).toBe(true);
    expect((await readdir(path.join(dataDir, 'failed'))).sort()).toEqual(['notes.wav', 'notes.wav.error.json']);

    const ledger = new SqliteLedger(path.join(dataDir, 'pipeline.db'));
    const [row] = await ledger.failedRows();
    expect(row?.localPath).toBe(path.join(dataDir, 'inbox', 'notes.wav')); // the stale path the failed write left
    await ledger.retry([row!.seq]);
    await ledger.close();

    expect((await runOnce(dataDir)).failed).toBe(1);
    const report = JSON.parse(await readFile(path.join(dataDir, 'failed', 'notes.wav.error.json'), 'utf8')) as Record<string, unknown>;
    // it failed for its own reason again, not "file disappeared from the inbox"
    expect(report.stage).toBe('probe');
    expect(String(report.error)).not.toMatch(/disappeared/);
    expect((await readdir(path.join(dataDir, 'failed'))).sort()).toEqual(['notes.wav', 'notes.wav.error.json']);
  }, 60_000);
});
