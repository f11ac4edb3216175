import { chmod, lstat, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { freePort } from '../helpers/free-port.ts';
import { listFiles } from '../helpers/list-files.ts';
import { promtoolCheckMetrics } from '../helpers/promtool.ts';
import { RecpipeService, runRecpipe } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Every folder and file under `root` (and root) with its permission bits, symlinks excluded. */
async function modesUnder(root: string): Promise<Array<{ path: string; dir: boolean; mode: number }>> {
  const entries = await readdir(root, { recursive: true });
  const all = [root, ...entries.map((e) => path.join(root, e))];
  const out = [];
  for (const p of all) {
    const info = await lstat(p);
    if (!info.isSymbolicLink()) out.push({ path: p, dir: info.isDirectory(), mode: info.mode & 0o777 });
  }
  return out;
}

describe('one owner per DATA_DIR, private files, metrics from the start (real child processes)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;
  let dataDir: string;
  let env: Record<string, string>;
  const started: RecpipeService[] = [];

  beforeEach(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-owner-'));
    dataDir = path.join(root, 'data');
    env = {
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: running.url,
      HTTP_PORT: String(await freePort()),
      CONCURRENCY: '8',
      INBOX_STABLE_MS: '200',
      INBOX_RESCAN_INTERVAL_MS: '2000',
    };
  });

  afterEach(async () => {
    for (const service of started.splice(0)) await service.stop('SIGKILL').catch(() => {});
    emulator.faults.release();
    await running.close();
  });

  const start = async (extra: Record<string, string> = {}) => {
    const service = await RecpipeService.start({ ...env, ...extra }, root);
    started.push(service);
    return service;
  };

  async function dropRecordings(count: number): Promise<void> {
    const inbox = path.join(dataDir, 'inbox', 'Campaign', '11_28_2026');
    await mkdir(inbox, { recursive: true });
    for (let i = 0; i < count; i++) await writeTestAudio(path.join(inbox, `call-${i}.wav`), { seconds: 2, seed: 2000 + i });
  }

  it('start + a concurrent run --once on one folder: the second refuses naming the holder; each recording is transcribed once', async () => {
    await dropRecordings(8);
    emulator.faults.hold();
    const first = await start();
    // all 8 are in flight inside the first processor when the second one comes
    await waitFor('8 held transcription requests', () => emulator.stats.held >= 8, 90_000);

    const before = Date.now();
    const second = await runRecpipe(['run', '--once'], env, root);
    const refusedInMs = Date.now() - before;
    expect(second.code).toBe(2);
    expect(second.stderr.trim()).toMatch(new RegExp(`^recpipe: DATA_DIR ${dataDir} is in use by pid ${first.child.pid} \\(recpipe start\\) on .+, started \\d{4}-.+; stop it or use another DATA_DIR$`));
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(second.stdout).toBe('');
    // read-only commands keep working beside the owner
    const status = await runRecpipe(['status', '--json'], env, root);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).counts).toMatchObject({ processing: 8, done: 0 });
    expect((await runRecpipe(['retry', '--failed'], env, root)).code).toBe(0);
    expect((await runRecpipe(['config'], env, root)).code).toBe(0);
    console.log(`second processor refused in ${refusedInMs} ms (a whole 'recpipe status' run is the floor here)`);

    emulator.faults.release();
    await waitFor('8 transcripts', async () => (await listFiles(path.join(dataDir, 'transcripts'))).filter((f) => f.endsWith('.json')).length === 8, 90_000);
    expect((await first.stop('SIGTERM')).code).toBe(0);
    const perAudio = new Map<string, number>();
    for (const r of emulator.stats.requests) perAudio.set(r.audioSha256!, (perAudio.get(r.audioSha256!) ?? 0) + 1);
    expect(perAudio.size).toBe(8);
    expect([...perAudio.values()]).toEqual(Array(8).fill(1));
    const after = JSON.parse((await runRecpipe(['status', '--json'], env, root)).stdout);
    expect(after.counts).toMatchObject({ done: 8, failed: 0, pending: 0, processing: 0 });
    expect(await listFiles(path.join(dataDir, 'failed'))).toEqual([]);
  }, 240_000);

  it('after kill -9 of the owner a new processor starts at once (no stale lock)', async () => {
    const first = await start();
    expect((await runRecpipe(['run', '--once'], env, root)).code).toBe(2);
    await first.stop('SIGKILL');
    const again = await runRecpipe(['run', '--once'], env, root);
    expect(again.stderr).not.toMatch(/in use/);
    expect(again.code).toBe(0);
    const second = await start();
    expect((await fetch(`${second.baseUrl}/health`)).ok).toBe(true);
    // and a clean stop lets the next one in too
    expect((await second.stop('SIGTERM')).code).toBe(0);
    expect((await runRecpipe(['run', '--once'], env, root)).code).toBe(0);
  }, 180_000);

  it('everything under DATA_DIR is 0700/0600 after a run, and wider modes left by earlier versions are tightened', async () => {
    await dropRecordings(2);
    // an older install: world-readable folders and a transcript anyone could read
    await mkdir(path.join(dataDir, 'transcripts'), { recursive: true });
    await writeFile(path.join(dataDir, 'transcripts', 'old.md'), '# an old transcript\n');
    for (const p of [dataDir, path.join(dataDir, 'transcripts'), path.join(dataDir, 'inbox')]) await chmod(p, 0o755);
    await chmod(path.join(dataDir, 'transcripts', 'old.md'), 0o644);
    for (const f of await listFiles(path.join(dataDir, 'inbox'))) await chmod(f, 0o644);

    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(/summary: 2 done, 0 failed/);
    expect(run.stderr).toMatch(/DATA_DIR held files readable by other users/);
    const entries = await modesUnder(dataDir);
    expect(entries.filter((e) => e.path.endsWith('.md')).length).toBe(3);
    expect((await listFiles(path.join(dataDir, 'processed'))).length).toBe(2);
    expect(entries.filter((e) => path.basename(e.path).startsWith('pipeline.db')).length).toBeGreaterThanOrEqual(1);
    const wrong = entries.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600)).map((e) => `${e.mode.toString(8)} ${e.path}`);
    expect(wrong).toEqual([]);
  }, 120_000);

  it('/metrics right after start has every labelled counter series at 0, and promtool accepts it', async () => {
    const service = await start();
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    for (const series of ['files_processed_total{status="success"} 0', 'files_processed_total{status="failure"} 0', 'retries_total{service="openai"} 0', 'retries_total{service="notion"} 0', 'retries_total{service="slack"} 0', 'retries_total{service="sftp"} 0', 'source_polls_total{source="sftp",status="failure"} 0']) {
      expect(metrics.split('\n')).toContain(series);
    }
    const check = await promtoolCheckMetrics(metrics);
    expect(check.problems).toEqual([]);
  });
});
