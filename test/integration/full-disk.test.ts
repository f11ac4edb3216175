import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeAudio } from '../../src/audio/audio-normalizer.ts';
import { probeAudio } from '../../src/audio/audio-probe.ts';
import { ServiceError, serviceErrorOf } from '../../src/errors.ts';
import { atomicWrite } from '../../src/files/atomic-write.ts';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A real small file system needs `mount -t tmpfs` (root, or a container that allows it). */
function tmpfsRefusal(): string | undefined {
  const probe = mkdtempSync(path.join(tmpdir(), 'recpipe-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs refused here: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    rmdirSync(probe);
  }
}

const refusal = tmpfsRefusal();
if (refusal) console.warn(`full-disk test skipped: ${refusal}`);

const MB = 1024 * 1024;

describe.skipIf(refusal !== undefined)('a full disk that frees up (real 24 MiB tmpfs as DATA_DIR, real process)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;
  let dataDir: string;
  let service: RecpipeService | undefined;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-disk-'));
    dataDir = path.join(root, 'data');
    mkdirSync(dataDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dataDir]);
  });
  afterAll(async () => {
    await service?.stop('SIGKILL').catch(() => {});
    await running.close();
    execFileSync('umount', ['-l', dataDir]);
  });

  it('below DISK_FREE_MIN_MB: /ready 503 "disk", recordings stay pending; once space is freed they finish with no action', async () => {
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    service = await RecpipeService.start(
      {
        DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: running.url,
        HTTP_PORT: String(await freePort()),
        INBOX_STABLE_MS: '100',
        INBOX_RESCAN_INTERVAL_MS: '60000',
        SERVICE_CHECK_INTERVAL_MS: '500',
        DISK_FREE_MIN_MB: '8',
      },
      root,
    );
    // something else fills the disk until 4 MiB are left
    const fs = await statfs(dataDir);
    const filler = path.join(dataDir, 'filler.bin');
    await writeFile(filler, Buffer.alloc(fs.bavail * fs.bsize - 4 * MB));
    await waitFor('/ready 503 naming the disk', async () => {
      const response = await fetch(`${service!.baseUrl}/ready`);
      const body = (await response.json()) as { components: Array<{ name: string; detail: string }> };
      return response.status === 503 && body.components.some((c) => c.name === 'intake' && /^paused: disk: [0-7] MB free under .*DISK_FREE_MIN_MB=8$/.test(c.detail));
    }, 20_000);

    for (let i = 1; i <= 2; i++) await writeTestAudio(path.join(dataDir, 'inbox', `disk-${i}.wav`), { seconds: 2, seed: 9400 + i });
    const rows = () => {
      const db = new Database(path.join(dataDir, 'pipeline.db'), { readonly: true });
      try {
        return db.prepare('SELECT state, attempts FROM recordings ORDER BY seq').all() as Array<{ state: string; attempts: number }>;
      } finally {
        db.close();
      }
    };
    await waitFor('both claimed by the watcher', () => rows().length === 2, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(rows()).toEqual([{ state: 'pending', attempts: 0 }, { state: 'pending', attempts: 0 }]);
    expect(emulator.stats.received).toBe(0);
    expect(await readdir(path.join(dataDir, 'failed'))).toEqual([]);
    expect(await (await fetch(`${service.baseUrl}/metrics`)).text()).toMatch(/^pipeline_paused\{component="disk"\} 1$/m);

    await rm(filler);
    await waitFor('both transcribed by themselves', async () => (await readdir(path.join(dataDir, 'transcripts'))).filter((f) => f.endsWith('.json')).length === 2, 30_000);
    await waitFor('both done', () => rows().every((r) => r.state === 'done'), 10_000);
    expect(rows().map((r) => r.attempts)).toEqual([1, 1]);
    await waitFor('/ready 200 again', async () => (await fetch(`${service!.baseUrl}/ready`)).status === 200, 15_000);
    expect(await readdir(path.join(dataDir, 'failed'))).toEqual([]);
    expect((await service.stop()).code).toBe(0);
    service = undefined;
  }, 90_000);

  it('ENOSPC at the write sites (ffmpeg output, an atomic file write) is the disk\'s trouble, never the recording\'s', async () => {
    const tiny = path.join(root, 'tiny');
    mkdirSync(tiny);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', tiny]);
    try {
      const input = path.join(root, 'long.wav');
      await writeTestAudio(input, { seconds: 120, seed: 9500 });
      const info = await probeAudio(input);
      const normalized = await normalizeAudio(input, info, path.join(tiny, 'work')).catch((error: unknown) => error);
      expect(normalized).toBeInstanceOf(ServiceError);
      expect(normalized).toMatchObject({ component: 'disk', reason: 'no space left (ffmpeg: ENOSPC)' });

      const written = await atomicWrite(path.join(tiny, 'transcript.json'), Buffer.alloc(256 * 1024)).catch((error: unknown) => error);
      expect(serviceErrorOf(written)).toMatchObject({ component: 'disk', reason: 'no space left (ENOSPC)' });
    } finally {
      execFileSync('umount', ['-l', tiny]);
    }
  }, 60_000);
});
