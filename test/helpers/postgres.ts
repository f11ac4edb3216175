import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pg-test-server.sh');

/** A throwaway PostgreSQL (Debian's postgresql) on 127.0.0.1 for one test file. */
export interface TestPostgres {
  url: string;
  port: number;
  dir: string;
  /** A fresh, empty database on this server; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown, then start again on the same port with the same data (a restart mid-run). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'recpipe-pg-'));
  const port = await freePort();
  await run('bash', [SCRIPT, 'start', dir, String(port), 'recpipe_test'], { timeout: 120_000 });
  const env = Object.fromEntries(
    (await readFile(path.join(dir, 'pg.env'), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const url = env.DATABASE_URL!;
  const pgBin = async (...args: string[]) => {
    const version = (await run('ls', ['/usr/lib/postgresql'])).stdout.trim().split('\n').sort().at(-1)!;
    await run('setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', `/usr/lib/postgresql/${version}/bin/pg_ctl`, ...args], { timeout: 60_000 });
  };
  const server: TestPostgres = {
    url,
    port,
    dir,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return url.replace(/\/[^/]*$/, `/${name}`);
    },
    async stop() {
      await pgBin('-D', path.join(dir, 'data'), '-m', 'fast', '-w', 'stop');
    },
    async start() {
      await pgBin('-D', path.join(dir, 'data'), '-l', path.join(dir, 'postgres.log'), '-w', 'start');
    },
    async restart() {
      await server.stop();
      await server.start();
    },
    async dispose() {
      await run('bash', [SCRIPT, 'stop', dir]).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}
