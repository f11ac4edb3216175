import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A stand-in for the real OpenAI, Notion and Slack a live service's `.env` points at: it records
 * every request that reaches it, and answers like a broken server so nothing could "succeed" there.
 */
async function startTrap(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('npm run demo beside a live service', () => {
  let root: string;
  let trap: Awaited<ReturnType<typeof startTrap>>;
  let run: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-demo-test-'));
    trap = await startTrap();
    const liveDotEnv = [
      `DATA_DIR=${path.join(root, 'live-data')}`,
      `INBOX_DIR=${path.join(root, 'live-inbox')}`,
      'OPENAI_API_KEY=sk-live-key-of-the-real-service',
      `OPENAI_BASE_URL=${trap.url}/v1`,
      'NOTION_TOKEN=ntn_live',
      'NOTION_DATABASE_ID=0123456789abcdef0123456789abcdef',
      `NOTION_BASE_URL=${trap.url}`,
      `SLACK_WEBHOOK_URL=${trap.url}/services/T/B/X`,
    ].join('\n');
    await writeFile(path.join(root, '.env'), `${liveDotEnv}\n`);
    await mkdir(path.join(root, 'tmp'));
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/demo.ts')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // where mkdtemp puts the demo's folder, so this test can find and remove it
        TMPDIR: path.join(root, 'tmp'),
        ...(process.env.FFMPEG_PATH ? { FFMPEG_PATH: process.env.FFMPEG_PATH } : {}),
        ...(process.env.FFPROBE_PATH ? { FFPROBE_PATH: process.env.FFPROBE_PATH } : {}),
        // the real environment wins over .env for the service, so it is a second way in
        OPENAI_BASE_URL: `${trap.url}/v1`,
        OPENAI_ORG_ID: 'org-live',
        SLACK_API_URL: `${trap.url}/api/`,
        DATA_DIR: path.join(root, 'live-data-from-env'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    run = { code, stdout, stderr };
  }, 180_000);

  afterAll(async () => {
    await trap?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('runs the samples to the end on its emulators', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/summary: [1-9]\d* done, 0 failed/);
  });

  it('never sends a request to the endpoints in .env or the environment', () => {
    expect(trap.hits).toEqual([]);
    expect(run.stdout).toContain('demo: ignoring');
    expect(run.stdout).toContain('OPENAI_BASE_URL');
  });

  it("leaves the live service's folders alone", async () => {
    const entries = await readdir(root);
    expect(entries.sort()).toEqual(['.env', 'tmp']);
  });

  it('writes into a fresh temporary folder, keeps it and says where', async () => {
    const kept = /everything it wrote is in (\S+) /.exec(run.stdout)?.[1];
    expect(kept).toBeDefined();
    expect(path.dirname(kept!)).toBe(path.join(root, 'tmp'));
    const transcripts = await readdir(path.join(kept!, 'transcripts'));
    expect(transcripts.filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
  });
});
