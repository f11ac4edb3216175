import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService, runRecpipe } from '../helpers/recpipe-process.ts';
import { listFiles } from '../helpers/list-files.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

const halfWritten = async (dataDir: string) =>
  (await listFiles(dataDir)).filter((f) => /\.tmp$|\.part$|\.partial\.flac$/.test(f) || (path.basename(f).startsWith('.') && !path.basename(f).startsWith('.recpipe.lock')));

describe('crash safety and shutdown (real child process)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-crash-'));
    dataDir = path.join(root, 'data');
    env = {
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: running.url,
      HTTP_PORT: String(await freePort()),
      CONCURRENCY: '4',
      INBOX_STABLE_MS: '200',
      INBOX_RESCAN_INTERVAL_MS: '2000',
      RETRY_BASE_DELAY_MS: '50',
      RETRY_MAX_DELAY_MS: '300',
    };
  });

  const started: RecpipeService[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const service = await RecpipeService.start({ ...env, ...extra }, root);
    started.push(service);
    return service;
  };

  afterEach(async () => {
    for (const service of started.splice(0)) await service.stop('SIGKILL').catch(() => {});
    emulator.faults.release();
    await running.close();
  });

  async function dropRecordings(count: number): Promise<void> {
    const inbox = path.join(dataDir, 'inbox', 'Campaign', '11_28_2026');
    await mkdir(inbox, { recursive: true });
    for (let i = 0; i < count; i++) await writeTestAudio(path.join(inbox, `call-${i}.wav`), { seconds: 2, seed: 1000 + i });
  }

  it('SIGKILL mid-flight, then restart: every recording is transcribed exactly once and none is lost', async () => {
    await dropRecordings(12);
    emulator.faults.hold();
    let service = await start();
    // first wave: four requests arrive and are answered, so some recordings finish
    await waitFor('4 held transcription requests', () => emulator.stats.held >= 4, 60_000);
    emulator.faults.release();
    emulator.faults.hold();
    await waitFor('the first 4 answers delivered', () => emulator.stats.requests.filter((r) => r.delivered).length >= 4, 30_000);
    // second wave: every worker is blocked inside a transcription request when the process dies
    await waitFor('4 more held requests', () => emulator.stats.held >= 4, 60_000);
    expect(emulator.stats.requests.filter((r) => r.delivered)).toHaveLength(4);
    await service.stop('SIGKILL');
    emulator.faults.release();

    service = await start();
    await waitFor('12 transcripts', async () => (await listFiles(path.join(dataDir, 'transcripts'))).filter((f) => f.endsWith('.json')).length === 12, 90_000);
    expect((await service.stop('SIGTERM')).code).toBe(0);

    const delivered = emulator.stats.requests.filter((r) => r.delivered);
    const perAudio = new Map<string, number>();
    for (const r of delivered) perAudio.set(r.audioSha256!, (perAudio.get(r.audioSha256!) ?? 0) + 1);
    expect(perAudio.size).toBe(12);
    expect([...perAudio.values()].every((n) => n === 1)).toBe(true);
    expect((await listFiles(path.join(dataDir, 'processed'))).length).toBe(12);
    expect(await listFiles(path.join(dataDir, 'failed'))).toEqual([]);
    expect(await halfWritten(dataDir)).toEqual([]);
    const status = await runRecpipe(['status', '--json'], env, root);
    expect(JSON.parse(status.stdout).counts).toMatchObject({ done: 12, pending: 0, processing: 0, failed: 0 });
  });

  it('SIGTERM drains: in-flight recordings finish, the rest stay pending, exit 0, nothing half-written', async () => {
    await dropRecordings(6);
    emulator.faults.delayMs = 1500;
    const service = await start({ CONCURRENCY: '2' });
    await waitFor('2 requests in flight', () => emulator.stats.received >= 2, 60_000);
    const exit = await service.stop('SIGTERM');
    expect(exit.code).toBe(0);
    const transcripts = (await listFiles(path.join(dataDir, 'transcripts'))).filter((f) => f.endsWith('.json'));
    expect(transcripts).toHaveLength(2);
    expect(emulator.stats.received).toBe(2);
    expect(await halfWritten(dataDir)).toEqual([]);
    const status = JSON.parse((await runRecpipe(['status', '--json'], env, root)).stdout);
    expect(status.counts).toMatchObject({ done: 2, processing: 0 });
    expect(status.counts.pending).toBeLessThanOrEqual(4);
    // nothing is lost: a later run finishes the rest
    emulator.faults.delayMs = 0;
    const rest = await runRecpipe(['run', '--once'], env, root);
    expect(rest.code).toBe(0);
    expect((await listFiles(path.join(dataDir, 'transcripts'))).filter((f) => f.endsWith('.json'))).toHaveLength(6);
  });

  it('past SHUTDOWN_TIMEOUT_MS in-flight work is aborted and stays pending; a restart completes it', async () => {
    await dropRecordings(2);
    emulator.faults.hold();
    const service = await start({ SHUTDOWN_TIMEOUT_MS: '500' });
    await waitFor('2 held requests', () => emulator.stats.held >= 2, 60_000);
    const started = Date.now();
    const exit = await service.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await halfWritten(dataDir)).toEqual([]);
    const status = JSON.parse((await runRecpipe(['status', '--json'], env, root)).stdout);
    expect(status.counts).toMatchObject({ pending: 2, processing: 0, failed: 0 });
    emulator.faults.release();
    const rest = await runRecpipe(['run', '--once'], env, root);
    expect(rest.stdout).toMatch(/summary: 2 done, 0 failed/);
  });
});
