import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emulatorsCli } from '../../src/commands/emulators.ts';
import { childEnv, runRecpipe } from '../helpers/recpipe-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.join(ROOT, 'test/fixtures/samples/Renewals/11_27_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav');

describe('recpipe emulators (real processes, loopback only)', () => {
  let cwd: string;
  let child: ReturnType<typeof spawn>;
  let stdout = '';
  let stderr = '';
  let exited: Promise<number | null>;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'recpipe-emulators-'));
    child = spawn(process.execPath, [path.join(ROOT, 'bin/recpipe.js'), 'emulators'], { cwd, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor('the environment lines', () => stdout.includes('# end of environment'), 45_000);
    for (const line of stdout.split('\n')) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line);
      if (match) env[match[1]!] = match[2]!;
    }
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(cwd, { recursive: true, force: true });
  });

  it('prints every environment line, each URL on loopback', () => {
    expect(Object.keys(env).sort()).toEqual(
      ['NOTION_BASE_URL', 'NOTION_DATABASE_ID', 'NOTION_TOKEN', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'SLACK_API_URL', 'SLACK_BOT_TOKEN', 'SLACK_CHANNEL'].sort(),
    );
    for (const name of ['OPENAI_BASE_URL', 'NOTION_BASE_URL', 'SLACK_API_URL']) expect(new URL(env[name]!).hostname).toBe('127.0.0.1');
  });

  it('run --once against them: the recording is done, its Notion page exists, retry says it is done', async () => {
    const dataDir = path.join(cwd, 'data');
    await mkdir(path.join(dataDir, 'inbox/Renewals/11_27_2026'), { recursive: true });
    await cp(SAMPLE, path.join(dataDir, 'inbox/Renewals/11_27_2026', path.basename(SAMPLE)));
    const run = await runRecpipe(['run', '--once'], { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', FIVE9_TIMEZONE: 'America/New_York' }, cwd);
    expect(run.stdout).toMatch(/^done +[0-9a-f]{16} /m);
    expect(run.code).toBe(0);
    const id = /^done +([0-9a-f]{16}) /m.exec(run.stdout)![1]!;

    // the page, read back through the real SDK from the emulator the command started
    const notion = new Client({ auth: env.NOTION_TOKEN, baseUrl: env.NOTION_BASE_URL, notionVersion: '2025-09-03' });
    const database = await notion.databases.retrieve({ database_id: env.NOTION_DATABASE_ID! });
    const dataSourceId = 'data_sources' in database ? database.data_sources[0]!.id : '';
    const pages = await notion.dataSources.query({ data_source_id: dataSourceId, filter: { property: 'Recording ID', rich_text: { equals: id } } });
    expect(pages.results).toHaveLength(1);

    const retry = await runRecpipe(['retry', id, 'feedfacefeedface'], { DATA_DIR: dataDir }, cwd);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain(`recpipe retry: ${id} is done; only failed recordings are retried`);
    expect(retry.stderr).toMatch(/no recording feedfacefeedface \(unknown id/);
  });

  it('stops on SIGTERM with exit 0 and a count of what it served', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/stopping \(\d+ transcription\(s\), 1 Notion page\(s\), \d+ Slack message\(s\)\)/);
  });
});

describe('recpipe --version and a missing emulators module', () => {
  it('--version and -v print the package version', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await runRecpipe([flag], {}, ROOT);
      expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
    }
  });

  it('without src/emulators (the production image) says so clearly instead of a stack trace', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    try {
      const missing = new URL('../../.tmp/no-such-dir/emulators-command.ts', import.meta.url);
      expect(await emulatorsCli({}, missing)).toBe(1);
      expect(await emulatorsCli({ slackPort: '70000' })).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors[0]).toMatch(/^recpipe emulators: the emulators are not part of this installation/);
    expect(errors[1]).toBe('recpipe emulators: --slack-port must be a port number (0 to 65535), got "70000"');
  });
});
