import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { PermanentError, StageError } from '../../src/errors.ts';
import { listInbox, statInboxFile } from '../../src/inbox/inbox-folder.ts';
import { InboxHandler } from '../../src/inbox/inbox-handler.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { Service } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { Outcome } from '../../src/pipeline/outcome.ts';
import { routeFailure } from '../../src/pipeline/route-failure.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { freePort } from '../helpers/free-port.ts';
import { listFiles } from '../helpers/list-files.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

let emulator: OpenAiEmulator;
let running: RunningOpenAiEmulator;
let root: string;

beforeAll(async () => {
  emulator = createOpenAiEmulator();
  running = await emulator.start();
  root = await mkdtemp(path.join(tmpdir(), 'recpipe-inbox-trust-'));
});
afterAll(async () => {
  await running?.close();
  await rm(root, { recursive: true, force: true });
});

async function serviceFor(dataDir: string, env: Record<string, string> = {}): Promise<Service> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: running.url,
    INBOX_STABLE_MS: '0',
    LOG_LEVEL: 'silent',
    HTTP_PORT: '0',
    RETRY_BASE_DELAY_MS: '20',
    ...env,
  });
  return await Service.create(config, createLogger({ ...config.log, destination: process.stderr }));
}

describe('the inbox touches nothing outside itself', () => {
  it('never transcribes nor moves files behind a symlinked folder or file, and reports undecodable names', async () => {
    const dataDir = path.join(root, 'links');
    const inbox = path.join(dataDir, 'inbox');
    const outside = path.join(root, 'links-outside');
    await mkdir(path.join(outside, 'calls'), { recursive: true });
    await mkdir(inbox, { recursive: true });
    const secret = await writeTestAudio(path.join(outside, 'secret.wav'), { seconds: 2, seed: 71 });
    const inFolder = await writeTestAudio(path.join(outside, 'calls', 'behind-link.wav'), { seconds: 2, seed: 72 });
    const before = { secret: await sha256(secret), inFolder: await sha256(inFolder) };
    await symlink(path.join(outside, 'calls'), path.join(inbox, 'linked-folder'));
    await symlink(secret, path.join(inbox, 'linked-file.wav'));
    await writeTestAudio(path.join(inbox, 'plain.wav'), { seconds: 2, seed: 73 });
    // Linux allows any bytes in a name: 0xff 0xfe is not UTF-8
    const oddName = Buffer.concat([Buffer.from(`${inbox}/call-`), Buffer.from([0xff, 0xfe]), Buffer.from('.wav')]);
    await writeFile(oddName, await readFile(path.join(inbox, 'plain.wav')));
    const requestsBefore = emulator.stats.received;

    const service = await serviceFor(dataDir, { WATCH_INBOX: 'false' });
    const outcomes: Outcome[] = [];
    await service.runOnce((o) => outcomes.push(o));
    const refused = (await service.metrics.filesRefused.get()).values;
    await service.close();

    expect(outcomes.map((o) => `${o.kind} ${o.file.fileName}`)).toEqual(['done plain.wav']);
    expect(emulator.stats.received - requestsBefore).toBe(1);
    // the outside files are where they were, unchanged; the links are untouched
    expect(await sha256(secret)).toBe(before.secret);
    expect(await sha256(inFolder)).toBe(before.inFolder);
    expect((await lstat(path.join(inbox, 'linked-file.wav'))).isSymbolicLink()).toBe(true);
    expect((await lstat(path.join(inbox, 'linked-folder'))).isSymbolicLink()).toBe(true);
    expect(await listFiles(path.join(dataDir, 'failed'))).toEqual([]);
    // the undecodable name is left in place and counted, not silently ignored
    expect((await readdir(inbox, { encoding: 'buffer' })).some((name) => name.includes(Buffer.from([0xff, 0xfe])))).toBe(true);
    const count = (reason: string) => refused.find((v) => v.labels.source === 'inbox' && v.labels.reason === reason)?.value;
    expect(count('symlink')).toBe(2);
    expect(count('undecodable name')).toBe(1);
  }, 60_000);

  it('refuses a folder swapped for a symlink after discovery, and its failure moves nothing', async () => {
    const dataDir = path.join(root, 'swap');
    const inbox = path.join(dataDir, 'inbox');
    const outside = path.join(root, 'swap-outside');
    await mkdir(path.join(inbox, 'day'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeTestAudio(path.join(inbox, 'day', 'call.wav'), { seconds: 1, seed: 81 });
    const found = await statInboxFile(inbox, path.join(inbox, 'day', 'call.wav'));
    expect(found).toBeDefined();
    const ledger = new SqliteLedger(path.join(dataDir, 'pipeline.db'));
    try {
      const claimed = (await ledger.claim(found!))!;
      const handler = new InboxHandler(inbox);
      expect(await handler.superseded(claimed, claimed.path)).toBeUndefined();
      // the attacker swaps the folder: same path, now leading outside the inbox
      await rename(path.join(inbox, 'day'), path.join(outside, 'day'));
      await symlink(path.join(outside, 'day'), path.join(inbox, 'day'));
      const outsideFile = path.join(outside, 'day', 'call.wav');
      const outsideSum = await sha256(outsideFile);
      const refusal = await handler.superseded(claimed, claimed.path).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(PermanentError);
      expect((refusal as Error).message).toMatch(/outside the inbox/);
      await expect(handler.fetch(claimed, undefined)).rejects.toThrow(/outside the inbox/);
      await expect(listInbox(inbox)).resolves.toEqual([]);

      const outcome = await routeFailure(claimed, new StageError('archive', refusal), 1, {
        ledger,
        paths: { failedDir: path.join(dataDir, 'failed'), workDir: path.join(dataDir, 'work'), inboxDir: inbox },
        log: createLogger({ level: 'silent', format: 'json' }),
        sweepAfterMs: 0,
      });
      expect(outcome.kind).toBe('failed');
      expect(await sha256(outsideFile)).toBe(outsideSum);
      expect((await listFiles(path.join(dataDir, 'failed'))).map((f) => path.basename(f))).toEqual(['call.wav.error.json']);
      expect((await ledger.get(claimed.seq))?.lastError).toMatch(/outside the inbox/);
    } finally {
      await ledger.close();
    }
  }, 30_000);
});

describe('a writer that pauses longer than INBOX_STABLE_MS', () => {
  it('ends with one recording of the whole file, archived once; the half attempt is abandoned', async () => {
    const dataDir = path.join(root, 'paused');
    const inbox = path.join(dataDir, 'inbox');
    await mkdir(inbox, { recursive: true });
    const full = await writeTestAudio(path.join(root, 'paused-source.mp3'), { seconds: 40, seed: 91, codec: 'mp3' });
    const fullBytes = await readFile(full);
    // every transcription request takes 2.5 s, longer than the writer's pause
    emulator.faults.delayMs = 2500;
    const service = await serviceFor(dataDir, { INBOX_STABLE_MS: '300', INBOX_RESCAN_INTERVAL_MS: '60000', HTTP_PORT: String(await freePort()) });
    const stop = new AbortController();
    // a symlinked folder in the watched inbox, and a file landing behind it while watching
    const outside = path.join(root, 'paused-outside');
    await mkdir(outside, { recursive: true });
    await symlink(outside, path.join(inbox, 'linked'));
    const started = service.start(stop.signal);
    try {
      const behindLink = await writeTestAudio(path.join(outside, 'behind.wav'), { seconds: 1, seed: 92 });
      const behindSum = await sha256(behindLink);
      // a real writer process: half the file, a pause of 1.2 s (> 300 ms), then the rest
      const target = path.join(inbox, 'paused.mp3');
      const script = `const fs=require('fs');const b=fs.readFileSync(process.argv[1]);const fd=fs.openSync(process.argv[2],'w');const h=b.length>>1;fs.writeSync(fd,b,0,h);setTimeout(()=>{fs.writeSync(fd,b,h,b.length-h);fs.closeSync(fd)},1200);`;
      const writer = spawn(process.execPath, ['-e', script, full, target], { stdio: 'inherit' });
      await new Promise((resolve) => writer.once('close', resolve));

      const processed = await waitFor('the whole file in processed/', async () => {
        const files = await listFiles(path.join(dataDir, 'processed'));
        return files.length > 0 ? files : undefined;
      }, 60_000);
      const ledger = new SqliteLedger(path.join(dataDir, 'pipeline.db'));
      let rows;
      try {
        rows = await waitFor('both attempts finished', async () => {
          const all = [1, 2, 3].map((seq) => ledger.get(seq));
          const found = (await Promise.all(all)).filter((r) => r !== undefined);
          return found.length >= 2 && found.every((r) => r.state !== 'pending' && r.state !== 'processing') ? found : undefined;
        }, 30_000);
      } finally {
        await ledger.close();
      }
      expect(processed).toHaveLength(1);
      const archived = processed[0]!;
      expect((await readFile(archived)).equals(fullBytes)).toBe(true);
      expect(existsSync(target)).toBe(false);
      expect(rows.map((r) => r.state).sort()).toEqual(['done', 'skipped']);
      const half = rows.find((r) => r.state === 'skipped')!;
      expect(half.size).toBe(fullBytes.length >> 1);
      expect(half.attention).toMatch(/^superseded: the file changed while it was processed/);
      const done = rows.find((r) => r.state === 'done')!;
      expect(done.size).toBe(fullBytes.length);
      // one transcript, for the whole audio (40 s), not the half
      const transcripts = (await listFiles(path.join(dataDir, 'transcripts'))).map((f) => path.basename(f)).filter((f) => f.endsWith('.json'));
      expect(transcripts).toEqual([`${done.id}.json`]);
      const doc = JSON.parse(await readFile(path.join(dataDir, 'transcripts', transcripts[0]!), 'utf8')) as TranscriptDocument;
      expect(doc.audio.durationSeconds).toBeGreaterThan(39);
      // the watcher did not follow the link: the file behind it is untouched and has no row
      expect(await sha256(behindLink)).toBe(behindSum);
      expect(rows).toHaveLength(2);
    } finally {
      emulator.faults.delayMs = 0;
      stop.abort();
      await started;
      await service.close();
    }
  }, 120_000);
});
