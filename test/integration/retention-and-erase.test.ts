import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eraseCommand } from '../../src/commands/erase.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createOpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { Service } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { Outcome } from '../../src/pipeline/outcome.ts';
import { checkNotionDatabase } from '../../src/publish/notion/notion-schema.ts';
import { runRetention } from '../../src/retention/retention-run.ts';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService, runRecpipe } from '../helpers/recpipe-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startNotion, TOKEN, type NotionKit } from './notion-test-kit.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/samples');
const RENEWALS = 'Renewals/11_27_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav';
const SALES = 'Inbound Sales/11_3_2026/5559876543Inbound Sales by mlee@example.com @ 10_15_07 AM.wav';
const DAY = 86_400_000;

async function listAll(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('retention and erasure (real files, SQLite, the Notion emulator behind the SDK)', () => {
  let dataDir: string;
  let openai: RunningOpenAiEmulator;
  let notion: NotionKit;
  let config: Config;
  const ids: Record<'renewals' | 'sales', string> = { renewals: '', sales: '' };

  const runOnce = async (): Promise<Outcome[]> => {
    const service = await Service.create(config, createLogger({ ...config.log, destination: process.stderr }));
    const outcomes: Outcome[] = [];
    try {
      await service.runOnce((o) => outcomes.push(o));
    } finally {
      await service.close();
    }
    return outcomes;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'recpipe-retention-'));
    openai = await createOpenAiEmulator().start();
    notion = await startNotion({ schema: 'empty' });
    config = loadConfig({
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.url,
      NOTION_TOKEN: TOKEN,
      NOTION_DATABASE_ID: notion.databaseId,
      NOTION_BASE_URL: notion.server.url,
      FIVE9_TIMEZONE: 'America/New_York',
      INBOX_STABLE_MS: '0',
      WATCH_INBOX: 'false',
      LOG_LEVEL: 'warn',
    });
    expect((await checkNotionDatabase(config.notion!, { fix: true })).ok).toBe(true);
    for (const sample of [RENEWALS, SALES]) {
      await mkdir(path.dirname(path.join(config.paths.inboxDir, sample)), { recursive: true });
      await cp(path.join(SAMPLES, sample), path.join(config.paths.inboxDir, sample));
    }
    const outcomes = await runOnce();
    for (const o of outcomes) {
      expect(o.kind).toBe('done');
      if (o.kind === 'done') ids[o.file.fileName.includes('Renewals') ? 'renewals' : 'sales'] = o.id;
    }
    expect(notion.emulator.pages()).toHaveLength(2);
  });

  afterAll(async () => {
    await Promise.all([openai.close(), notion.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('erase --caller: that caller\'s transcripts, audio, Notion page and ledger content go; the other caller\'s stay; one audit line without the number', async () => {
    const before = await listAll(dataDir);
    expect(before.filter((f) => f.startsWith('processed/'))).toHaveLength(2);
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const ledger = new SqliteLedger(config.paths.sqlitePath);
    let code: number;
    try {
      code = await eraseCommand(ledger, config, { caller: '+1 (555) 123-4567' });
    } finally {
      log.mockRestore();
    }
    expect(code).toBe(0);
    expect(printed[0]).toBe('erased caller …67: 1 recording(s), 2 transcript file(s), 1 audio file(s), 1 Notion page(s) moved to trash, 1 ledger row(s) blanked');

    const after = await listAll(dataDir);
    expect(after).not.toContain(`transcripts/${ids.renewals}.json`);
    expect(after).not.toContain(`transcripts/${ids.renewals}.md`);
    expect(after).toContain(`transcripts/${ids.sales}.json`);
    expect(after.filter((f) => f.startsWith('processed/'))).toEqual([expect.stringContaining('5559876543Inbound Sales')]);

    const pages = notion.emulator.pages();
    expect(pages.find((p) => p.properties['Recording ID'] === ids.renewals)?.inTrash).toBe(true);
    expect(pages.find((p) => p.properties['Recording ID'] === ids.sales)?.inTrash).toBe(false);

    try {
      // the muted spans' times stay (no words, no number): a duplicate of this audio is muted alike
      expect([...(await ledger.checkpoints(ids.renewals)).keys()].sort()).toEqual(['audio-redacted', 'erased']);
      expect((await ledger.checkpoints(ids.sales)).has('publish:notion')).toBe(true);
      const [row] = await ledger.find([ids.renewals]);
      expect(row).toMatchObject({ state: 'done', fileName: '[erased]', relativePath: '[erased]', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(row!.localPath).toBeUndefined();
    } finally {
      await ledger.close();
    }

    const audit = (await readFile(path.join(dataDir, 'audit.log'), 'utf8')).trim().split('\n');
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!)).toMatchObject({ action: 'erase', caller: '…67', recordings: 1, notionPages: 1, recordingIds: [ids.renewals], by: expect.any(String) });
    expect(audit[0]).not.toMatch(/555|1234567|4567/);
    // nothing anywhere under DATA_DIR still names the caller, the ledger included
    for (const file of [config.paths.sqlitePath, `${config.paths.sqlitePath}-wal`]) {
      if (existsSync(file)) {
        const bytes = await readFile(file);
        const at = bytes.indexOf('5551234567');
        expect(at, `${file}: ${JSON.stringify(bytes.subarray(Math.max(0, at - 120), at + 60).toString('latin1'))}`).toBe(-1);
      }
    }
    expect((await readFile(config.paths.sqlitePath)).includes('5559876543Inbound')).toBe(true);
  });

  it('erase: the same audio arriving again is a duplicate, not new work; a second erase finds nothing; bad input exits 2', async () => {
    await mkdir(path.join(config.paths.inboxDir, 'again'), { recursive: true });
    await cp(path.join(SAMPLES, RENEWALS), path.join(config.paths.inboxDir, 'again', path.basename(RENEWALS)));
    const before = notion.emulator.pages().length;
    const outcomes = await runOnce();
    expect(outcomes.map((o) => (o.kind === 'failed' ? `${o.stage}: ${o.reason}` : o.kind))).toEqual(['duplicate']);
    expect(notion.emulator.pages()).toHaveLength(before);
    const ledger = new SqliteLedger(config.paths.sqlitePath);
    const errors: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    try {
      // one of this caller's calls is still waiting in the inbox: erased later, and said so
      await mkdir(path.join(config.paths.inboxDir, 'later'), { recursive: true });
      await writeFile(path.join(config.paths.inboxDir, 'later', '5559876543Inbound Sales by mlee@example.com @ 11_15_07 AM.wav'), 'not yet');
      await mkdir(path.join(config.paths.workDir, ids.sales), { recursive: true });
      await writeFile(path.join(config.paths.workDir, ids.sales, 'chunk-0.flac'), 'left by a crash');
      expect(await eraseCommand(ledger, config, { caller: '555-987-6543' })).toBe(0);
      expect(existsSync(path.join(config.paths.workDir, ids.sales))).toBe(false);
      expect(errors.shift()).toBe('recpipe erase: 1 file(s) of this caller are still waiting in the inbox; run erase again once they are processed');
      await rm(path.join(config.paths.inboxDir, 'later'), { recursive: true });
      expect(await eraseCommand(ledger, config, { caller: '5559876543' })).toBe(0);
      expect(await eraseCommand(ledger, config, { caller: '12-34' })).toBe(2);
      expect(await eraseCommand(ledger, config, {})).toBe(2);
    } finally {
      log.mockRestore();
      error.mockRestore();
      await ledger.close();
    }
    expect(errors[0]).toMatch(/--caller NUMBER is required/);
    const audit = (await readFile(path.join(dataDir, 'audit.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { recordings: number });
    expect(audit.map((a) => a.recordings)).toEqual([1, 1, 0]);
  });

  it('retention: a dry run lists and keeps; a real run deletes audio past RETENTION_DAYS, keeps transcripts, and the ledger still knows the audio', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'recpipe-retention-b-'));
    const folders = { dataDir: fresh, processedDir: path.join(fresh, 'processed'), failedDir: path.join(fresh, 'failed'), transcriptsDir: path.join(fresh, 'transcripts') };
    try {
      const now = Date.parse('2026-11-30T12:00:00Z');
      await mkdir(path.join(folders.processedDir, '2026-10-01'), { recursive: true });
      await mkdir(path.join(folders.processedDir, '2026-11-29'), { recursive: true });
      await mkdir(folders.failedDir, { recursive: true });
      await mkdir(folders.transcriptsDir, { recursive: true });
      await writeFile(path.join(folders.processedDir, '2026-10-01', 'old.wav'), 'old');
      // a recording's own mtime is old, but it was processed yesterday: kept
      await writeFile(path.join(folders.processedDir, '2026-11-29', 'backlog.wav'), 'new');
      await utimes(path.join(folders.processedDir, '2026-11-29', 'backlog.wav'), new Date('2025-01-01'), new Date('2025-01-01'));
      await writeFile(path.join(folders.failedDir, 'bad.wav'), 'bad');
      await writeFile(path.join(folders.failedDir, 'bad.wav.error.json'), JSON.stringify({ at: new Date(now - 40 * DAY).toISOString() }));
      await writeFile(path.join(folders.failedDir, 'recent.wav'), 'recent');
      await writeFile(path.join(folders.failedDir, 'recent.wav.error.json'), JSON.stringify({ at: new Date(now - DAY).toISOString() }));
      for (const ext of ['json', 'md']) {
        await writeFile(path.join(folders.transcriptsDir, `aaaa.${ext}`), '{}');
        await utimes(path.join(folders.transcriptsDir, `aaaa.${ext}`), new Date(now - 100 * DAY), new Date(now - 100 * DAY));
      }
      // a link planted in processed/ must not lead retention outside DATA_DIR
      const outside = path.join(tmpdir(), `recpipe-outside-${process.pid}.wav`);
      await writeFile(outside, 'keep me');
      await symlink(outside, path.join(folders.processedDir, '2026-10-01', 'link.wav'));

      const dry = await runRetention(folders, { audioDays: 30 }, { nowMs: now, dryRun: true });
      expect(dry.items.map((i) => i.label).sort()).toEqual(['failed/bad.wav', 'processed/2026-10-01/old.wav']);
      expect(await listAll(fresh)).toHaveLength(9);

      const real = await runRetention(folders, { audioDays: 30 }, { nowMs: now });
      expect(real.files).toBe(3);
      expect(await listAll(fresh)).toEqual([
        'failed/recent.wav',
        'failed/recent.wav.error.json',
        'processed/2026-10-01/link.wav',
        'processed/2026-11-29/backlog.wav',
        'transcripts/aaaa.json',
        'transcripts/aaaa.md',
      ]);
      expect(await readFile(outside, 'utf8')).toBe('keep me');
      await rm(outside);

      const transcripts = await runRetention(folders, { transcriptDays: 90 }, { nowMs: now });
      expect(transcripts.items.map((i) => i.kind)).toEqual(['transcript']);
      expect((await listAll(fresh)).filter((f) => f.startsWith('transcripts/'))).toEqual([]);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }

    // the processed audio of the service run above, purged; the same audio again is a duplicate
    const purged = await runRetention(config.paths, { audioDays: 1 }, { nowMs: Date.now() + 3 * DAY });
    expect(purged.items.length).toBeGreaterThan(0);
    expect((await listAll(dataDir)).filter((f) => f.startsWith('processed/'))).toEqual([]);
    await mkdir(path.join(config.paths.inboxDir, 'reupload'), { recursive: true });
    await cp(path.join(SAMPLES, SALES), path.join(config.paths.inboxDir, 'reupload', 'same audio, new name.wav'));
    const outcomes = await runOnce();
    expect(outcomes.map((o) => o.kind)).toEqual(['duplicate']);
  });

  it('start applies retention at once (and logs what it deleted)', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'recpipe-start-retention-'));
    let service: RecpipeService | undefined;
    try {
      await mkdir(path.join(fresh, 'processed/2020-01-01'), { recursive: true });
      await writeFile(path.join(fresh, 'processed/2020-01-01/ancient.wav'), 'x');
      await mkdir(path.join(fresh, 'processed/2999-01-01'), { recursive: true });
      await writeFile(path.join(fresh, 'processed/2999-01-01/future.wav'), 'x');
      service = await RecpipeService.start(
        { OPENAI_API_KEY: 'sk-x', DATA_DIR: fresh, HTTP_PORT: String(await freePort()), WATCH_INBOX: 'false', RETENTION_DAYS: '7' },
        fresh,
      );
      await waitFor('the start-up retention pass', () => !existsSync(path.join(fresh, 'processed/2020-01-01/ancient.wav')), 20_000);
      expect(existsSync(path.join(fresh, 'processed/2999-01-01/future.wav'))).toBe(true);
      await waitFor('its log line', () => service!.logs.some((l) => l.component === 'retention' && l.audio === 1), 5_000);
    } finally {
      await service?.stop();
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('recpipe purge [--dry-run] as a command', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'recpipe-purge-'));
    try {
      await mkdir(path.join(fresh, 'processed/2020-01-01'), { recursive: true });
      await writeFile(path.join(fresh, 'processed/2020-01-01/ancient.wav'), Buffer.alloc(2048));
      const dry = await runRecpipe(['purge', '--dry-run'], { DATA_DIR: fresh, RETENTION_DAYS: '30' }, fresh);
      expect(dry.stdout).toContain('would delete  audio       2020-01-02  processed/2020-01-01/ancient.wav');
      expect(dry.stdout).toMatch(/^dry run: would delete 1 audio file\(s\) and 0 transcript\(s\), 2 KiB/m);
      expect(existsSync(path.join(fresh, 'processed/2020-01-01/ancient.wav'))).toBe(true);
      const real = await runRecpipe(['purge'], { DATA_DIR: fresh, RETENTION_DAYS: '30' }, fresh);
      expect(real.code).toBe(0);
      expect(existsSync(path.join(fresh, 'processed/2020-01-01'))).toBe(false);
      const off = await runRecpipe(['purge'], { DATA_DIR: fresh }, fresh);
      expect(off.stdout).toMatch(/nothing to purge: RETENTION_DAYS and TRANSCRIPT_RETENTION_DAYS are unset/);
      const bad = await runRecpipe(['purge'], { DATA_DIR: fresh, RETENTION_DAYS: '0' }, fresh);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/RETENTION_DAYS: must be at least 1/);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
