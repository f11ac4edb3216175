import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { FoundFile } from '../../src/recording.ts';
import { SftpPoller } from '../../src/sftp/sftp-poller.ts';
import { SourceHealth } from '../../src/sftp/source-health.ts';
import { WalkPlanner } from '../../src/sftp/walk-planner.ts';
import { type TestSshd, startSshd } from '../helpers/sshd.ts';

const DAY = 86_400_000;
const silent = pino({ level: 'silent' });

let sshd: TestSshd;
let local: string;

beforeAll(async () => {
  sshd = await startSshd();
  local = await mkdtemp(join(tmpdir(), 'recpipe-sftp-history-'));
});
afterAll(async () => {
  await sshd?.dispose();
  await rm(local, { recursive: true, force: true });
});

const folderOf = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCMonth() + 1}_${d.getUTCDate()}_${d.getUTCFullYear()}`;
};

describe('SFTP polls against a real sshd: old day folders only in full walks', () => {
  it('finds old unknown files in the first full walk, late uploads at the next poll or the next full walk, and lists only recent folders between', async () => {
    const start = Date.UTC(2026, 10, 30, 12);
    let now = start;
    const root = 'calls';
    const put = (relative: string) => sshd.put(`${root}/${relative}`, 'RIFF-audio', { mtimeMs: now - 2 * 3600_000 });
    const old = folderOf(start - 30 * DAY);
    const older = folderOf(start - 200 * DAY);
    const twoDays = folderOf(start - 2 * DAY);
    const today = folderOf(start);
    await put(`Sales/${old}/5550001111 by a@x @ 9_00_00 AM.wav`);
    await put(`Sales/${older}/5550002222 by a@x @ 9_00_00 AM.wav`);
    await put(`Sales/${today}/5550003333 by a@x @ 9_00_00 AM.wav`);
    await put(`Loose/not-a-day-folder.wav`);

    const ledger = new SqliteLedger(join(local, 'pipeline.db'));
    const metrics = new Metrics({ defaultMetrics: false });
    const remoteDir = join(sshd.root, root);
    const poller = new SftpPoller(sshd.settings({ remoteDir, minFileAgeMs: 0 }), {
      metrics,
      log: silent,
      health: new SourceHealth('sftp', { log: silent, alertAfter: 3 }),
      now: () => now,
      planner: new WalkPlanner(ledger.sourceHistory('sftp'), { recentDays: 3, fullScanIntervalMs: DAY, timeZone: 'UTC' }, remoteDir),
    });
    const gauge = async (g: { get(): Promise<{ values: Array<{ value: number }> }> }) => (await g.get()).values[0]?.value;
    const pollAt = async (at: number) => {
      now = at;
      const found = await poller.poll();
      // what the pipeline would do: claim each file and finish it
      for (const file of found) {
        const row = await ledger.claim(file);
        if (row) await ledger.finish(row.seq, 'done');
      }
      return { found: found.map((f: FoundFile) => f.fileName), folders: await gauge(metrics.sftpFoldersListed), files: await gauge(metrics.sftpFilesListed) };
    };

    const first = await pollAt(start);
    expect(first.found.sort()).toEqual(['5550001111 by a@x @ 9_00_00 AM.wav', '5550002222 by a@x @ 9_00_00 AM.wav', '5550003333 by a@x @ 9_00_00 AM.wav', 'not-a-day-folder.wav']);
    expect(first.folders).toBe(6); // calls, Sales, Loose, and three day folders
    expect(await gauge(metrics.sftpLastFullWalk)).toBe(start / 1000);

    await pollAt(start + 60_000); // the old folders are listed once more: now every file in them is done
    const between = await pollAt(start + 120_000);
    expect(between.folders).toBe(4); // calls, Sales, Loose, today
    expect(between.files).toBe(2);
    expect(await gauge(metrics.sftpFoldersSkipped)).toBe(2);

    // a late upload into a 2-day-old folder: listed at once, taken when stable (the next poll)
    await put(`Sales/${twoDays}/5550004444 by a@x @ 9_00_00 AM.wav`);
    const lateListed = await pollAt(start + 180_000);
    expect(lateListed.files).toBe(3);
    const lateTaken = lateListed.found.includes('5550004444 by a@x @ 9_00_00 AM.wav') ? lateListed : await pollAt(start + 240_000);
    expect(lateTaken.found).toContain('5550004444 by a@x @ 9_00_00 AM.wav');

    // a late upload into the 30-day-old, settled folder: not listed until the next full walk
    await put(`Sales/${old}/5550005555 by a@x @ 9_00_00 AM.wav`);
    for (const minutes of [5, 6, 7]) {
      const quiet = await pollAt(start + minutes * 60_000);
      expect(quiet.found).not.toContain('5550005555 by a@x @ 9_00_00 AM.wav');
      expect(quiet.folders).toBe(5); // + the 2-day-old folder, recent
    }
    const full = await pollAt(start + DAY + 1000);
    expect(full.folders).toBe(7);
    expect(await gauge(metrics.sftpLastFullWalk)).toBe(Math.floor((start + DAY + 1000) / 1000));
    const found = full.found.includes('5550005555 by a@x @ 9_00_00 AM.wav') ? full : await pollAt(start + DAY + 60_000);
    expect(found.found).toContain('5550005555 by a@x @ 9_00_00 AM.wav');

    const record = await ledger.sourceHistory('sftp').readRecord();
    expect(record.lastFullWalk).toMatchObject({ full: true, foldersListed: 7, at: start + DAY + 1000 });
    await ledger.close();
  });
});
