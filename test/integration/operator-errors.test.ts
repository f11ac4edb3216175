import { createServer, type Server } from 'node:net';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { runRecpipe } from '../helpers/recpipe-process.ts';

/** Exit 2, exactly one line on stderr that matches, no stack frame anywhere. */
function expectOneLine(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr + result.stdout).not.toMatch(/\n\s+at \S+ \(|node:internal|\.ts:\d+:\d+/);
  expect(result.code).toBe(2);
}

describe('operator mistakes: one line with a remedy, exit 2, no stack (real CLI)', () => {
  let root: string;
  let base: Record<string, string>;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-mistakes-'));
    base = { OPENAI_API_KEY: 'sk-test', WATCH_INBOX: 'false', OPENAI_BASE_URL: 'http://127.0.0.1:9' };
  });

  it('a corrupt pipeline.db: says it is not a SQLite database and to move it aside (run, start, status)', async () => {
    const dataDir = path.join(root, 'corrupt');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'pipeline.db'), 'this is not a database, it is a text file that got in the way'.repeat(100));
    const env = { ...base, DATA_DIR: dataDir, HTTP_PORT: String(await freePort()) };
    for (const args of [['run', '--once'], ['start'], ['status']]) {
      expectOneLine(await runRecpipe(args, env, root), new RegExp(`^recpipe: ${dataDir}/pipeline.db is not a SQLite database .*; stop recpipe, move it aside \\(mv .*`));
    }
  }, 120_000);

  describe('the HTTP server address', () => {
    let busy: Server;
    let port: number;
    beforeAll(async () => {
      port = await freePort();
      busy = createServer();
      await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

    it('HTTP_PORT in use: names the port and says to set HTTP_PORT; the DATA_DIR is free again afterwards', async () => {
      const env = { ...base, DATA_DIR: path.join(root, 'port'), HTTP_PORT: String(port) };
      expectOneLine(await runRecpipe(['start'], env, root), new RegExp(`^recpipe: HTTP_PORT ${port} is in use on 127.0.0.1 .*set HTTP_PORT to a free port$`));
      expect((await runRecpipe(['run', '--once'], env, root)).code).toBe(0);
    }, 60_000);

    it('HTTP_HOST that does not resolve: names it and says what to set', async () => {
      // off loopback the console needs credentials (else a config problem comes first)
      const env = { ...base, DATA_DIR: path.join(root, 'host'), HTTP_HOST: 'no-such-host.invalid', HTTP_PORT: String(await freePort()), CONSOLE_USER: 'ops', CONSOLE_PASSWORD: 'pw' };
      expectOneLine(await runRecpipe(['start'], env, root), /^recpipe: HTTP_HOST no-such-host\.invalid does not resolve to an address; set HTTP_HOST to /);
    }, 60_000);
  });

  it('DATA_DIR or INBOX_DIR that is a file: names the variable and the path', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, 'x');
    expectOneLine(await runRecpipe(['run', '--once'], { ...base, DATA_DIR: file }, root), new RegExp(`^recpipe: DATA_DIR ${file} (exists and )?is not a folder`));
    expectOneLine(await runRecpipe(['status'], { ...base, DATA_DIR: file }, root), new RegExp(`^recpipe: DATA_DIR ${file} (exists and )?is not a folder`));
    expectOneLine(
      await runRecpipe(['run', '--once'], { ...base, DATA_DIR: path.join(root, 'ok'), INBOX_DIR: file }, root),
      new RegExp(`^recpipe: INBOX_DIR ${file} (exists and )?is not a folder`),
    );
  }, 90_000);

  it('a .env that cannot be read is a configuration problem, not a crash', async () => {
    const cwd = path.join(root, 'bad-env');
    await mkdir(path.join(cwd, '.env'), { recursive: true }); // a folder where the file should be
    const result = await runRecpipe(['config'], { ...base, DATA_DIR: path.join(root, 'env') }, cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^recpipe: bad configuration\n {2}\.env: cannot read .*\.env \(EISDIR\); fix its permissions or remove it\n$/);
  }, 30_000);

  it('URL passwords never show: recpipe config and doctor', async () => {
    const env = {
      ...base,
      DATA_DIR: path.join(root, 'creds'),
      OPENAI_BASE_URL: 'http://gw:openai-secret@127.0.0.1:9/v1',
      NOTION_TOKEN: 'ntn_x',
      NOTION_DATABASE_ID: '0123456789abcdef0123456789abcdef',
      NOTION_BASE_URL: 'http://gw:notion-secret@127.0.0.1:9',
    };
    const config = await runRecpipe(['config'], env, root);
    expect(config.code).toBe(0);
    expect(config.stdout).toContain('http://gw:***@127.0.0.1:9/v1');
    const doctor = await runRecpipe(['doctor'], env, root);
    expect(doctor.stdout).toMatch(/^FAIL\s+openai\s+http:\/\/gw:\*\*\*@127\.0\.0\.1:9\/v1: cannot connect/m);
    for (const out of [config.stdout + config.stderr, doctor.stdout + doctor.stderr]) expect(out).not.toMatch(/openai-secret|notion-secret/);
  }, 90_000);
});
