import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type SftpClient from 'ssh2-sftp-client';
import { AbortedError, TransientError, messageOf } from '../errors.ts';
import { classifySftpError } from './sftp-errors.ts';

/** How a download went, for the log line. */
export interface DownloadResult {
  bytes: number;
  /** `parallel` = fastGet; `stream` = one streamed read. */
  method: 'parallel' | 'stream';
  /** Why parallel reads were abandoned for the streamed read, when they were. */
  fallbackReason?: string;
}

export interface DownloadJob {
  client: SftpClient;
  remotePath: string;
  localPath: string;
  /** Size from the listing; anything else means the file changed or the read was cut short. */
  expectedSize: number;
  parallelReads: boolean;
  /** A download fails when no bytes arrive for this long (a whole-file deadline would punish big files). */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  username?: string;
  isOpen: () => boolean;
  /** fastGet cannot be cancelled any other way. */
  destroyConnection: () => void;
}

// Parallel reads: ssh2's defaults, which the measurements in measured-here.md used.
const FAST_GET = { concurrency: 64, chunkSize: 32_768 };
// A cancelled fastGet keeps writing until its connection is gone; wait this long before removing the temp file.
const SETTLE_MS = 2000;

/**
 * Downloads into `localPath + '.part'`, verifies the size, then renames into place, so a
 * reader of `localPath` never sees a partial file. With parallel reads, fastGet goes first and
 * any error or size mismatch falls back to a streamed read (fastGet corrupts or truncates on
 * some servers). On failure the temp file is removed and the error classified.
 */
export async function downloadToFile(job: DownloadJob): Promise<DownloadResult> {
  const temp = `${job.localPath}.part`;
  const context = { action: 'download', path: job.remotePath, username: job.username };
  try {
    if (job.signal?.aborted) throw new AbortedError();
    await mkdir(dirname(job.localPath), { recursive: true, mode: 0o700 });
    let fallbackReason: string | undefined;
    if (job.parallelReads) {
      try {
        await parallelRead(job, temp);
        await verifySize(temp, job.expectedSize, job.remotePath);
        await rename(temp, job.localPath);
        return { bytes: job.expectedSize, method: 'parallel' };
      } catch (error) {
        // A dead connection or an abort would fail the streamed read too: report the real cause.
        if (!job.isOpen() || error instanceof AbortedError) throw error;
        fallbackReason = messageOf(error);
      }
    }
    await streamedRead(job, temp);
    await verifySize(temp, job.expectedSize, job.remotePath);
    await rename(temp, job.localPath);
    return fallbackReason === undefined ? { bytes: job.expectedSize, method: 'stream' } : { bytes: job.expectedSize, method: 'stream', fallbackReason };
  } catch (error) {
    await rm(temp, { force: true });
    throw classifySftpError(error, context);
  }
}

async function streamedRead(job: DownloadJob, temp: string): Promise<void> {
  const source = job.client.createReadStream(job.remotePath);
  const sink = createWriteStream(temp, { mode: 0o600 });
  // Destroying ssh2's read stream waits for the server to close the handle, which a hung
  // server never does; so a stall or a lost connection fails the read at once and drops the
  // connection, and the sink is destroyed so nothing writes to the temp file afterwards.
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = (error) => {
      sink.destroy();
      reject(error);
    };
  });
  // A watchdog on the bytes written, rather than a timer touched per chunk, keeps the hot path bare.
  let lastBytes = -1;
  let lastProgressAt = Date.now();
  const idle = setInterval(() => {
    if (sink.bytesWritten !== lastBytes) {
      lastBytes = sink.bytesWritten;
      lastProgressAt = Date.now();
    } else if (Date.now() - lastProgressAt >= job.idleTimeoutMs) {
      fail(new TransientError(`SFTP download ${job.remotePath}: no data for ${job.idleTimeoutMs} ms`, { system: 'sftp' }));
      job.destroyConnection();
    }
  }, Math.max(10, Math.min(1000, job.idleTimeoutMs / 10)));
  // A dropped connection does not always reach a read stream that is paused by backpressure.
  const gone = (): void => fail(new TransientError(`SFTP download ${job.remotePath}: connection closed`, { system: 'sftp' }));
  job.client.on('close', gone);
  job.client.on('end', gone);
  const copying = pipeline(source, sink, job.signal === undefined ? {} : { signal: job.signal });
  try {
    await Promise.race([copying, failed]);
    // Stream pipelines can settle before the file descriptor is closed (ssh2-sftp-client #387).
    if (!sink.closed) await once(sink, 'close');
  } catch (error) {
    if (!sink.closed) sink.destroy();
    if (job.signal?.aborted) throw new AbortedError(undefined, { cause: error });
    throw error;
  } finally {
    clearInterval(idle);
    copying.catch(() => {});
    failed.catch(() => {});
    job.client.removeListener('close', gone);
    job.client.removeListener('end', gone);
  }
}

function parallelRead(job: DownloadJob, temp: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let cancelled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      job.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const work = job.client.fastGet(job.remotePath, temp, { ...FAST_GET, step: () => idle.refresh() });
    const cancel = (error: Error): void => {
      if (cancelled) return;
      cancelled = true;
      job.destroyConnection();
      // Let fastGet notice the dead connection before the caller deletes its file.
      const settle = new Promise((done) => setTimeout(done, SETTLE_MS).unref());
      void Promise.race([work.catch(() => {}), settle]).then(() => finish(error));
    };
    const idle = setTimeout(() => {
      cancel(new TransientError(`SFTP download ${job.remotePath}: no data for ${job.idleTimeoutMs} ms`, { system: 'sftp' }));
    }, job.idleTimeoutMs);
    const onAbort = (): void => cancel(new AbortedError());
    job.signal?.addEventListener('abort', onAbort, { once: true });
    // After a cancel, fastGet's own error (the dropped connection) is not the cause worth reporting.
    work.then(
      () => cancelled || finish(),
      (error: unknown) => cancelled || finish(error),
    );
  });
}

async function verifySize(file: string, expected: number, remotePath: string): Promise<void> {
  const { size } = await stat(file);
  if (size !== expected) {
    throw new TransientError(
      `SFTP download ${remotePath}: got ${size} bytes, the listing said ${expected} (file changed or read cut short)`,
      { system: 'sftp' },
    );
  }
}
