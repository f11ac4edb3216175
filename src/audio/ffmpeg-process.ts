import { spawn } from 'node:child_process';
import { AbortedError, PermanentError, ServiceError, TransientError } from '../errors.ts';
import { AUDIO_TOOL_ENV, resolveAudioTool, type MediaTool } from './audio-tools.ts';

export type { MediaTool } from './audio-tools.ts';

/** Options for one run of ffmpeg or ffprobe. */
export interface MediaProcessOptions {
  /** Firing it kills the process with SIGKILL and rejects with AbortedError. */
  signal?: AbortSignal;
  /** Bytes of stdout kept (the head); default 1 MiB, enough for ffprobe JSON of any audio file. */
  maxStdoutBytes?: number;
  /** Bytes of stderr kept (the tail, where ffmpeg puts the reason it stopped); default 64 KiB. */
  maxStderrBytes?: number;
}

/** How the process ended; a non-zero exit is the caller's to interpret. */
export interface MediaProcessResult {
  /** Exit code, or null when a signal ended the process. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when stdout exceeded `maxStdoutBytes` and was cut. */
  stdoutTruncated: boolean;
}

const ENV_VARS = AUDIO_TOOL_ENV;

/**
 * The binary to run: an explicit option, else what `resolveAudioTool` finds (`FFMPEG_PATH` /
 * `FFPROBE_PATH`, `PATH`, the npm-shipped build). Throws PermanentError when there is none.
 */
export function mediaToolPath(tool: MediaTool, override?: string): string {
  if (override !== undefined && override !== '') return override;
  return resolveAudioTool(tool).path;
}

/** The last `count` non-empty lines of a tool's stderr, joined with ` | ` for one-line error messages. */
export function lastLines(text: string, count = 3): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-count)
    .join(' | ');
}

/**
 * Runs ffmpeg or ffprobe with `args` (no shell) and collects bounded output.
 * Resolves when the process has exited, whatever the exit code; rejects with
 * PermanentError when the binary cannot be started, AbortedError when `signal` fires.
 */
export function runMediaProcess(
  tool: MediaTool,
  binary: string,
  args: readonly string[],
  options: MediaProcessOptions = {},
): Promise<MediaProcessResult> {
  const { signal } = options;
  const maxStdout = options.maxStdoutBytes ?? 1024 * 1024;
  const maxStderr = options.maxStderrBytes ?? 64 * 1024;
  if (signal?.aborted) return Promise.reject(new AbortedError(`${tool} not started: aborted`, { cause: signal.reason }));

  return new Promise((resolve, reject) => {
    // stdin ignored: ffmpeg otherwise reads keystrokes and can stop on a stray 'q'
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutTruncated = false;
    let stderrTail = Buffer.alloc(0);
    let aborted = false;
    let spawnError: NodeJS.ErrnoException | undefined;

    child.stdout.on('data', (chunk: Buffer) => {
      if (stdoutBytes >= maxStdout) {
        stdoutTruncated = true;
        return;
      }
      const room = maxStdout - stdoutBytes;
      if (chunk.length > room) stdoutTruncated = true;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      stdout.push(kept);
      stdoutBytes += kept.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const joined = Buffer.concat([stderrTail, chunk]);
      stderrTail = joined.length > maxStderr ? joined.subarray(joined.length - maxStderr) : joined;
    });

    const onAbort = (): void => {
      aborted = true;
      // SIGKILL: ffmpeg traps SIGTERM/SIGINT to finish writing its output, which we are about to delete
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    // 'close' (not 'exit') so stdout/stderr are fully read; it follows 'error' when spawning failed
    child.once('close', (exitCode, exitSignal) => {
      signal?.removeEventListener('abort', onAbort);
      if (spawnError !== undefined) {
        reject(startFailure(tool, binary, spawnError));
        return;
      }
      if (aborted) {
        reject(new AbortedError(`${tool} killed: aborted`, { cause: signal?.reason }));
        return;
      }
      const stderrText = stderrTail.toString('utf8');
      if (exitCode !== 0 && /No space left on device|Disk quota exceeded/.test(stderrText)) {
        // the disk's trouble, not the audio's: the recording must stay pending, not fail as bad audio
        reject(new ServiceError('disk', `no space left (${tool}: ${/Disk quota/.test(stderrText) ? 'EDQUOT' : 'ENOSPC'})`, { system: tool }));
        return;
      }
      resolve({
        exitCode,
        signal: exitSignal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: stderrTail.toString('utf8'),
        stdoutTruncated,
      });
    });
  });
}

function startFailure(tool: MediaTool, binary: string, error: NodeJS.ErrnoException): Error {
  const context = { system: 'ffmpeg', cause: error };
  if (error.code === 'ENOENT') {
    return new PermanentError(`${tool} not found: "${binary}" (install Debian's ffmpeg, run npm ci with optional dependencies, or set ${ENV_VARS[tool]})`, context);
  }
  if (error.code === 'EACCES') {
    return new PermanentError(`${tool} not executable: "${binary}" (check ${ENV_VARS[tool]})`, context);
  }
  // EAGAIN, ENOMEM, EMFILE: the machine is busy, the audio may be fine
  return new TransientError(`${tool} could not start: ${error.message}`, context);
}
