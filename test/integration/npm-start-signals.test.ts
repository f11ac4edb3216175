import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { descendantsOf, isAlive, killQuietly } from '../helpers/process-tree.ts';
import { childEnv } from '../helpers/recpipe-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm start under a supervisor that signals npm', () => {
  it('SIGTERM to npm reaches the service: it drains and exits 0, no orphan is left', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'recpipe-npm-start-'));
    const port = await freePort();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: childEnv({ OPENAI_API_KEY: 'sk-x', DATA_DIR: dataDir, HTTP_PORT: String(port), WATCH_INBOX: 'false' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (d: Buffer) => (output += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    let tree: number[] = [];
    try {
      await waitFor('the service behind npm start', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 45_000);
      tree = descendantsOf(npm.pid!);
      expect(tree.length).toBeGreaterThan(0);
      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      await waitFor('every process under npm to exit', () => tree.every((pid) => !isAlive(pid)), 15_000);
      expect(output).toMatch(/"msg":"signal received"/);
      expect(output).toMatch(/"msg":"stopped"/);
    } finally {
      for (const pid of tree) killQuietly(pid, 'SIGKILL');
      killQuietly(npm.pid!, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
