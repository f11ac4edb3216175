import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AbortedError, TransientError } from '../../src/errors.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { DownloadResult } from '../../src/sftp/sftp-download.ts';
import { SftpSession } from '../../src/sftp/sftp-session.ts';
import { type TestSshd, startSshd } from '../helpers/sshd.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('sshd', 'ssh-keygen');

const SIZE = 200 * 1024 * 1024;
const MiB = 1024 * 1024;

let sshd: TestSshd;
let local: string;
let big: { path: string; sha256: string };

beforeAll(async () => {
  sshd = await startSshd();
  local = await mkdtemp(join(tmpdir(), 'recpipe-sftp-large-'));
  big = await sshd.putRandom('Sales/11_27_2026/big call.wav', SIZE);
});
afterAll(async () => {
  await sshd?.dispose();
  await rm(local, { recursive: true, force: true });
});

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Downloads with RSS sampled every 10 ms; returns growth over the starting RSS and MB/s. */
async function measured(parallelReads: boolean, target: string): Promise<{ result: DownloadResult; peakGrowthMiB: number; mbPerSecond: number }> {
  const session = await SftpSession.open(sshd.settings({ parallelReads }));
  try {
    global.gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    const started = performance.now();
    try {
      const result = await session.download(big.path, target, SIZE);
      const seconds = (performance.now() - started) / 1000;
      peak = Math.max(peak, process.memoryUsage.rss());
      return { result, peakGrowthMiB: (peak - baseline) / MiB, mbPerSecond: SIZE / 1e6 / seconds };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await session.end();
  }
}

/** Resolves once the temp file of `target` holds at least `bytes`. */
async function whenPartHas(target: string, bytes: number): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    const size = await stat(`${target}.part`).then((s) => s.size, () => 0);
    if (size >= bytes) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('download never started');
}

tools.describe('200 MiB downloads', () => {
  it('streams with flat memory and identical bytes', async () => {
    const target = join(local, 'stream', 'big.wav');
    const { result, peakGrowthMiB, mbPerSecond } = await measured(false, target);
    console.info(`streamed get: ${mbPerSecond.toFixed(0)} MB/s, peak RSS growth ${peakGrowthMiB.toFixed(1)} MiB`);
    expect(result).toEqual({ bytes: SIZE, method: 'stream' });
    expect(peakGrowthMiB).toBeLessThan(100);
    expect(await sha256Of(target)).toBe(big.sha256);
    await rm(target);
  });

  it('with parallel reads (fastGet) gives identical bytes with flat memory', async () => {
    const target = join(local, 'parallel', 'big.wav');
    const { result, peakGrowthMiB, mbPerSecond } = await measured(true, target);
    console.info(`parallel fastGet: ${mbPerSecond.toFixed(0)} MB/s, peak RSS growth ${peakGrowthMiB.toFixed(1)} MiB`);
    expect(result).toEqual({ bytes: SIZE, method: 'parallel' });
    expect(peakGrowthMiB).toBeLessThan(100);
    expect(await sha256Of(target)).toBe(big.sha256);
    await rm(target);
  });
});

tools.describe('failures mid-download', () => {
  for (const parallelReads of [false, true]) {
    it(`server killed mid-download (${parallelReads ? 'parallel' : 'stream'}): transient, temp removed; after restart it completes`, async () => {
      const metrics = new Metrics({ defaultMetrics: false });
      const target = join(local, `killed-${parallelReads}`, 'big.wav');
      const session = await SftpSession.open(sshd.settings({ parallelReads }), { metrics });
      const download = session.download(big.path, target, SIZE).catch((e: unknown) => e);
      await whenPartHas(target, 20 * MiB);
      await sshd.kill();
      const error = await download;
      expect(error).toBeInstanceOf(TransientError);
      expect(existsSync(`${target}.part`)).toBe(false);
      expect(existsSync(target)).toBe(false);
      expect((await metrics.activeSftpConnections.get()).values[0]?.value).toBe(0);
      await session.end();

      await sshd.restart();
      const again = await SftpSession.open(sshd.settings({ parallelReads }), { metrics });
      try {
        await again.download(big.path, target, SIZE);
      } finally {
        await again.end();
      }
      expect(await sha256Of(target)).toBe(big.sha256);
      expect(await readdir(join(local, `killed-${parallelReads}`))).toEqual(['big.wav']);
      await rm(target);
    });
  }

  for (const parallelReads of [false, true]) {
    it(`a download that stalls fails after the idle limit (${parallelReads ? 'parallel' : 'stream'})`, async () => {
      const target = join(local, `stalled-${parallelReads}`, 'big.wav');
      const session = await SftpSession.open(sshd.settings({ parallelReads, timeoutMs: 1000 }));
      const download = session.download(big.path, target, SIZE).catch((e: unknown) => e);
      await whenPartHas(target, 10 * MiB);
      sshd.freeze();
      try {
        const error = await download;
        expect(error).toBeInstanceOf(TransientError);
        expect((error as Error).message).toMatch(/no data for 1000 ms/);
        expect(existsSync(`${target}.part`)).toBe(false);
      } finally {
        sshd.thaw();
        await session.end();
      }
    });

    it(`an aborted download stops and removes its temp file (${parallelReads ? 'parallel' : 'stream'})`, async () => {
      const target = join(local, `aborted-${parallelReads}`, 'big.wav');
      const controller = new AbortController();
      const session = await SftpSession.open(sshd.settings({ parallelReads }));
      try {
        const download = session.download(big.path, target, SIZE, { signal: controller.signal }).catch((e: unknown) => e);
        await whenPartHas(target, 10 * MiB);
        controller.abort();
        expect(await download).toBeInstanceOf(AbortedError);
        expect(existsSync(`${target}.part`)).toBe(false);
      } finally {
        await session.end();
      }
    });
  }
});
