import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService, runRecpipe } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface ReadyBody {
  components: Array<{ name: string; ok: boolean; detail: string }>;
}

/** States and attempts straight from the ledger file (read-only, a second real connection). */
function ledgerRows(dataDir: string): Array<{ file_name: string; state: string; attempts: number }> {
  const db = new Database(path.join(dataDir, 'pipeline.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT file_name, state, attempts FROM recordings ORDER BY seq').all() as Array<{ file_name: string; state: string; attempts: number }>;
  } finally {
    db.close();
  }
}

async function ready(service: RecpipeService): Promise<{ status: number; body: ReadyBody }> {
  const response = await fetch(`${service.baseUrl}/ready`);
  return { status: response.status, body: (await response.json()) as ReadyBody };
}

const transcripts = async (dataDir: string) => (await readdir(path.join(dataDir, 'transcripts'))).filter((f) => f.endsWith('.json'));

describe('service-level trouble pauses intake and heals by itself (real process, OpenAI emulator)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;
  let service: RecpipeService | undefined;

  beforeAll(async () => {
    emulator = createOpenAiEmulator({ apiKey: 'sk-old' });
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-outage-'));
  });
  afterAll(async () => {
    await service?.stop('SIGKILL').catch(() => {});
    await running.close();
  });

  // each case starts from a clean emulator: a case that failed early must not leave faults for the next
  beforeEach(() => {
    emulator.faults.reset();
    emulator.stats.clear();
  });

  const env = async (dataDir: string): Promise<Record<string, string>> => ({
    DATA_DIR: dataDir,
    OPENAI_API_KEY: 'sk-rotated-key',
    OPENAI_BASE_URL: running.url,
    HTTP_PORT: String(await freePort()),
    INBOX_STABLE_MS: '100',
    INBOX_RESCAN_INTERVAL_MS: '60000',
    SERVICE_CHECK_INTERVAL_MS: '500',
    MAX_ATTEMPTS: '2',
    RETRY_BASE_DELAY_MS: '50',
    DISK_FREE_MIN_MB: '1',
  });

  it('a rejected key: nothing fails, /ready is 503 "openai: key rejected", and once the key works everything finishes with no action', async () => {
    emulator.acceptKey('sk-old');
    const dataDir = path.join(root, 'key');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    for (let i = 1; i <= 3; i++) await writeTestAudio(path.join(dataDir, 'inbox', `call-${i}.wav`), { seconds: 2, seed: 8100 + i });
    service = await RecpipeService.start(await env(dataDir), root);

    await waitFor('/ready 503 with the reason', async () => {
      const { status, body } = await ready(service!);
      return status === 503 && body.components.some((c) => c.name === 'intake' && !c.ok && c.detail.startsWith('paused: openai: key rejected'));
    }, 30_000);
    await waitFor('all three back to pending', () => ledgerRows(dataDir).filter((r) => r.state === 'pending').length === 3, 15_000);
    const rejected = () => emulator.stats.requests.filter((r) => r.status === 401 && r.path.includes('transcriptions')).length;
    const rejectedAtPause = rejected();
    // several periodic checks later: still nothing failed, nothing moved, MAX_ATTEMPTS (2) not used up
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(ledgerRows(dataDir).map((r) => [r.state, r.attempts])).toEqual([['pending', 0], ['pending', 0], ['pending', 0]]);
    expect(existsSync(path.join(dataDir, 'failed')) ? await readdir(path.join(dataDir, 'failed')) : []).toEqual([]);
    expect((await readdir(path.join(dataDir, 'inbox'))).sort()).toEqual(['call-1.wav', 'call-2.wav', 'call-3.wav']);
    // intake paused: only the recordings already in flight met the 401 (CONCURRENCY=4), none since
    expect(rejectedAtPause).toBeGreaterThanOrEqual(1);
    expect(rejected()).toBe(rejectedAtPause);
    const paused = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(paused).toMatch(/^pipeline_paused\{component="openai"\} 1$/m);
    expect(paused).toMatch(/^pipeline_health 0$/m);

    emulator.acceptKey('sk-rotated-key');
    await waitFor('all three transcribed by themselves', async () => (await transcripts(dataDir)).length === 3, 30_000);
    await waitFor('all three done in the ledger', () => ledgerRows(dataDir).every((r) => r.state === 'done'), 10_000);
    expect(ledgerRows(dataDir).map((r) => r.attempts)).toEqual([1, 1, 1]);
    await waitFor('/ready 200 again', async () => (await ready(service!)).status === 200, 15_000);
    expect(await readdir(path.join(dataDir, 'failed'))).toEqual([]);
    expect(await readdir(path.join(dataDir, 'inbox'))).toEqual([]);
    const healed = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(healed).toMatch(/^pipeline_paused\{component="openai"\} 0$/m);
    expect(healed).toMatch(/^files_processed_total\{status="success"\} 3$/m);
    expect(healed).not.toMatch(/^files_processed_total\{status="failure"\} [1-9]/m);
    expect((await service.stop()).code).toBe(0);
    service = undefined;
  }, 90_000);

  it('exhausted quota: paused, not failed; the recordings finish once the account is paid', async () => {
    emulator.acceptKey('sk-rotated-key');
    emulator.stats.clear();
    emulator.faults.quota(3);
    const dataDir = path.join(root, 'quota');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    for (let i = 1; i <= 2; i++) await writeTestAudio(path.join(dataDir, 'inbox', `quota-${i}.wav`), { seconds: 2, seed: 8200 + i });
    service = await RecpipeService.start(await env(dataDir), root);
    // listing models is free even without quota, so the gate reopens and the next recording finds out
    await waitFor('both done once the quota faults are used up', async () => (await transcripts(dataDir)).length === 2, 40_000);
    expect(emulator.faults.pending).toBe(0);
    expect(emulator.stats.withStatus(429)).toHaveLength(3);
    expect(service.logs.some((l) => l.msg === "service trouble: intake paused, recordings stay pending" && String(l.reason).startsWith("quota exhausted"))).toBe(true);
    expect(await readdir(path.join(dataDir, 'failed'))).toEqual([]);
    await waitFor('both done in the ledger', () => ledgerRows(dataDir).every((r) => r.state === 'done'), 10_000);
    expect(ledgerRows(dataDir).map((r) => [r.state, r.attempts])).toEqual([['done', 1], ['done', 1]]);
    expect((await service.stop()).code).toBe(0);
    service = undefined;
  }, 90_000);

  it('run --once with a rejected key exits 3 with the reason and leaves everything pending', async () => {
    emulator.acceptKey('sk-old');
    const dataDir = path.join(root, 'once');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    for (let i = 1; i <= 2; i++) await writeTestAudio(path.join(dataDir, 'inbox', `once-${i}.wav`), { seconds: 2, seed: 8300 + i });
    const result = await runRecpipe(['run', '--once'], await env(dataDir), root);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^paused: openai: key rejected.*pending for the next run$/m);
    expect(result.stdout).toMatch(/summary: 0 done, 0 failed/);
    expect(ledgerRows(dataDir).map((r) => [r.state, r.attempts])).toEqual([['pending', 0], ['pending', 0]]);
    expect(await readdir(path.join(dataDir, 'failed'))).toEqual([]);

    emulator.acceptKey('sk-rotated-key');
    const again = await runRecpipe(['run', '--once'], await env(dataDir), root);
    expect(again.stdout).toMatch(/summary: 2 done, 0 failed/);
    expect(again.code).toBe(0);
  }, 90_000);
});
