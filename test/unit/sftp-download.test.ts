import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../src/errors.ts';
import { type DownloadJob, downloadToFile } from '../../src/sftp/sftp-download.ts';

const CONTENT = Buffer.from('RIFF....WAVEfmt the whole recording');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recpipe-sftp-download-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A stand-in for ssh2-sftp-client: fastGet writes `fastGetWrites`, the stream serves CONTENT. */
function fakeClient(fastGetWrites: Buffer | Error): SftpClient {
  const fake = {
    async fastGet(_remote: string, local: string) {
      if (fastGetWrites instanceof Error) throw fastGetWrites;
      await writeFile(local, fastGetWrites);
      return 'ok';
    },
    createReadStream: () => Readable.from([CONTENT.subarray(0, 10), CONTENT.subarray(10)]),
    on() {},
    removeListener() {},
  };
  return fake as unknown as SftpClient;
}

function job(client: SftpClient, name: string, expectedSize = CONTENT.length): DownloadJob {
  return {
    client,
    remotePath: `/rec/${name}`,
    localPath: join(dir, name, name),
    expectedSize,
    parallelReads: true,
    idleTimeoutMs: 5000,
    isOpen: () => true,
    destroyConnection: () => {},
  };
}

describe('downloadToFile with parallel reads', () => {
  it('keeps a fastGet result of the right size', async () => {
    const result = await downloadToFile(job(fakeClient(CONTENT), 'fast.wav'));
    expect(result).toEqual({ bytes: CONTENT.length, method: 'parallel' });
  });

  it('falls back to the streamed read when fastGet truncates', async () => {
    const result = await downloadToFile(job(fakeClient(CONTENT.subarray(0, 7)), 'truncated.wav'));
    expect(result.method).toBe('stream');
    expect(result.fallbackReason).toMatch(/got 7 bytes/);
    expect((await readFile(join(dir, 'truncated.wav', 'truncated.wav'))).equals(CONTENT)).toBe(true);
    expect(await readdir(join(dir, 'truncated.wav'))).toEqual(['truncated.wav']);
  });

  it('falls back to the streamed read when fastGet fails', async () => {
    const result = await downloadToFile(job(fakeClient(new Error('Can not skip back in messages')), 'broken.wav'));
    expect(result).toMatchObject({ method: 'stream', fallbackReason: 'Can not skip back in messages' });
  });

  it('fails transiently when both reads disagree with the listing, leaving no temp file', async () => {
    const error = await downloadToFile(job(fakeClient(CONTENT), 'changed.wav', CONTENT.length + 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(await readdir(join(dir, 'changed.wav'))).toEqual([]);
  });
});
