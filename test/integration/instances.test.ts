import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { freePort } from '../helpers/free-port.ts';
import { type NotionKit, TOKEN, startNotion } from './notion-test-kit.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { RecpipeService, runRecpipe } from '../helpers/recpipe-process.ts';
import { startSshd, type TestSshd } from '../helpers/sshd.ts';
import { requireTools } from '../helpers/require-tools.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

const tools = await requireTools('postgres', 'sshd', 'ssh-keygen', 'openssl');
const RECORDINGS = 30;
const HOUR_AGO = Date.now() - 3600_000;

let postgres: TestPostgres;
let sshd: TestSshd;
let openai: OpenAiEmulator;
let openaiServer: RunningOpenAiEmulator;
let notion: NotionKit;
let root: string;

beforeAll(async () => {
  if (tools.missing) return;
  [postgres, sshd] = await Promise.all([startPostgres(), startSshd()]);
  openai = createOpenAiEmulator();
  openaiServer = await openai.start();
  notion = await startNotion();
  root = await mkdtemp(path.join(tmpdir(), 'recpipe-instances-'));
}, 180_000);
afterAll(async () => {
  await openaiServer?.close();
  await notion?.close();
  await Promise.all([postgres?.dispose(), sshd?.dispose()]);
  await rm(root, { recursive: true, force: true });
});

/** Downloads an instance made, from its /metrics (each whole, verified download counts once). */
async function downloadsBy(service: RecpipeService): Promise<number> {
  const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
  return Number(/^sftp_downloads_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function instanceEnv(name: string, databaseUrl: string, tree: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const dataDir = path.join(root, name);
  await mkdir(dataDir, { recursive: true });
  return {
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    LEASE_MS: '3000',
    WATCH_INBOX: 'false',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openaiServer.url,
    NOTION_TOKEN: TOKEN,
    NOTION_DATABASE_ID: notion.databaseId,
    NOTION_BASE_URL: notion.server.url,
    HTTP_PORT: String(await freePort()),
    CONCURRENCY: '2',
    SFTP_HOST: sshd.host,
    SFTP_PORT: String(sshd.port),
    SFTP_USERNAME: sshd.username,
    SFTP_PRIVATE_KEY_PATH: sshd.privateKeyPath,
    SFTP_HOST_KEY_SHA256: sshd.hostKeySha256,
    SFTP_REMOTE_DIR: `${sshd.root}/${tree}`,
    SFTP_MIN_FILE_AGE_MS: '0',
    SFTP_POLL_INTERVAL_MS: '1000',
    RETRY_BASE_DELAY_MS: '100',
    RETRY_MAX_DELAY_MS: '1000',
    RETRY_SWEEP_MS: '2000',
    ...extra,
  };
}

async function putRecordings(tree: string, count: number, seed: number): Promise<string[]> {
  const local = path.join(root, `${tree}-audio`);
  await mkdir(local, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `55512${String(seed + i).padStart(5, '0')} Sales by agent@x.com @ 9_${String(i % 60).padStart(2, '0')}_00 AM.wav`;
    const file = path.join(local, name);
    await writeTestAudio(file, { seconds: 2, seed: seed + i });
    await sshd.put(`${tree}/Sales/11_30_2026/${name}`, await readFile(file), { mtimeMs: HOUR_AGO });
    names.push(name);
  }
  return names;
}

const pagesFor = (names: readonly string[]) => notion.emulator.pages().filter((p) => names.includes(String(p.properties.File)));
const delivered = () => openai.stats.requests.filter((r) => r.delivered);

tools.describe('several instances on one PostgreSQL and one SFTP tree', () => {
  it(`3 instances, ${RECORDINGS} recordings, one killed mid-flight: each transcribed and published exactly once`, async () => {
    const url = await postgres.createDatabase('three');
    const names = await putRecordings('three', RECORDINGS, 100);
    openai.faults.delayMs = 700; // slow transcription: work is spread and in flight when one dies
    const before = delivered().length;
    const instances = await Promise.all(['a', 'b', 'c'].map(async (n) => RecpipeService.start(await instanceEnv(n, url, 'three'), root)));
    // kill one while it holds recordings in the middle of the work
    await waitFor('some pages', () => pagesFor(names).length >= 6, 120_000);
    const victim = instances[0]!;
    await victim.stop('SIGKILL');
    await waitFor(`${RECORDINGS} pages`, () => pagesFor(names).length >= RECORDINGS, 180_000);
    // give a straggler the chance to publish a second page, if the design allowed one
    await new Promise((resolve) => setTimeout(resolve, 4000));
    openai.faults.delayMs = 0;

    const status = await runRecpipe(['status', '--json'], await instanceEnv('status', url, 'three'), root);
    const report = JSON.parse(status.stdout) as { counts: Record<string, number>; instances: Array<{ alive: boolean }> };
    expect(report.counts.done).toBe(RECORDINGS);
    expect(report.instances.filter((i) => i.alive)).toHaveLength(2);
    const survivorsDownloads = await Promise.all(instances.slice(1).map(downloadsBy));
    for (const service of instances.slice(1)) expect((await service.stop('SIGTERM')).code).toBe(0);

    const pages = pagesFor(names);
    expect(pages).toHaveLength(RECORDINGS);
    expect(new Set(pages.map((p) => p.properties['Recording ID'])).size).toBe(RECORDINGS);
    const perAudio = new Map<string, number>();
    for (const r of delivered().slice(before)) perAudio.set(r.audioSha256!, (perAudio.get(r.audioSha256!) ?? 0) + 1);
    expect(perAudio.size).toBe(RECORDINGS);
    // the one killed mid-request may have been answered and died before its checkpoint: at most that one twice
    const twice = [...perAudio.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(2);
    // the work was shared
    const byInstance = await Promise.all(['a', 'b', 'c'].map(async (n) => (await readdir(path.join(root, n, 'transcripts')).catch(() => [])).filter((f) => f.endsWith('.json')).length));
    expect(byInstance.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    // the survivors downloaded what they processed, plus what the victim had downloaded but not finished
    expect(survivorsDownloads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(RECORDINGS);
  }, 420_000);

  it('two instances racing on the same new files: each file downloaded by one', async () => {
    const url = await postgres.createDatabase('race');
    const names = await putRecordings('race', 6, 500);
    const instances = await Promise.all(['r1', 'r2'].map(async (n) => RecpipeService.start(await instanceEnv(n, url, 'race'), root)));
    await waitFor('6 pages', () => pagesFor(names).length >= 6, 120_000);
    const downloads = await Promise.all(instances.map(downloadsBy));
    for (const service of instances) await service.stop('SIGTERM');
    // every file downloaded once, by one instance, whatever the race
    expect(downloads.reduce((a, b) => a + b, 0)).toBe(6);
    expect(pagesFor(names)).toHaveLength(6);
  }, 300_000);

  it('a PostgreSQL restart mid-run loses nothing and needs no restart of the service', async () => {
    const url = await postgres.createDatabase('restart');
    const names = await putRecordings('restart', 8, 900);
    openai.faults.delayMs = 500;
    const service = await RecpipeService.start(await instanceEnv('p1', url, 'restart'), root);
    await waitFor('a first page', () => pagesFor(names).length >= 1, 120_000);
    await postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await postgres.start();
    openai.faults.delayMs = 0;
    await waitFor('8 pages', () => pagesFor(names).length >= 8, 180_000);
    expect((await service.stop('SIGTERM')).code).toBe(0);
    expect(pagesFor(names)).toHaveLength(8);
    const status = await runRecpipe(['status', '--json'], await instanceEnv('status2', url, 'restart'), root);
    expect((JSON.parse(status.stdout) as { counts: Record<string, number> }).counts.done).toBe(8);
  }, 300_000);
});
