import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/recpipe.js');

// a test that fails half-way must not leave a service running after the test process is gone
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Environment for a child service: the parent's PATH and the like, never the parent's service settings. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'FFMPEG_PATH', 'FFPROBE_PATH']) if (process.env[key]) base[key] = process.env[key];
  return { ...base, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env };
}

/** Runs `recpipe <args>` to completion. */
export function runRecpipe(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runRecpipeAt(BIN, args, env, cwd);
}

/** Runs the `recpipe` entry point at `bin` (another installation's) to completion. */
export function runRecpipeAt(bin: string, args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runToEnd(process.execPath, [bin, ...args], childEnv(env), cwd);
}

/** Runs `command` to completion with its output collected. */
export function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A `recpipe start` child process with its JSON log lines. */
export class RecpipeService {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess, readonly baseUrl: string) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `recpipe start` and waits until /health answers. */
  static async start(env: Record<string, string>, cwd: string): Promise<RecpipeService> {
    const child = spawn(process.execPath, [BIN, 'start'], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const service = new RecpipeService(child, `http://${env.HTTP_HOST ?? '127.0.0.1'}:${env.HTTP_PORT}`);
    let exitedEarly = false;
    void service.exited.then(() => (exitedEarly = true));
    await waitFor(
      'recpipe /health',
      async () => {
        if (exitedEarly) throw new Error(`recpipe exited during start:\n${service.output}`);
        return (await fetch(`${service.baseUrl}/health`)).ok;
      },
      90_000,
    ).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    return service;
  }

  get logs(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  get rawOutput(): string {
    return this.output;
  }

  /** Sends `signal` and resolves with the exit code (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
