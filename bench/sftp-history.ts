import { chown, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { SqliteLedger } from '../src/ledger/sqlite-ledger.ts';
import { Metrics } from '../src/observability/metrics.ts';
import type { FoundFile } from '../src/recording.ts';
import { SftpPoller } from '../src/sftp/sftp-poller.ts';
import { SourceHealth } from '../src/sftp/source-health.ts';
import { WalkPlanner } from '../src/sftp/walk-planner.ts';
import type { TestSshd } from '../test/helpers/sshd.ts';

const HISTORY_FILES = Number(process.env.BENCH_SFTP_HISTORY_FILES ?? 100_000);
const PER_FOLDER = 50;
const CAMPAIGNS = 4;
const TODAY_FILES = 200;
const ROUNDS = 9;
const DAY_MS = 86_400_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const dayFolder = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCMonth() + 1}_${d.getUTCDate()}_${d.getUTCFullYear()}`;
};

/**
 * A poll over a long history (HISTORY_FILES known files in HISTORY_FILES / 50 old day folders, plus
 * today's) next to a poll of a tree holding today's folder only, on the same sshd, in the same run:
 * between full walks the history should cost next to nothing (issue: within 1.25×).
 */
export async function sftpHistoryBench(sshd: TestSshd, local: string): Promise<void> {
  const now = Date.now();
  const owner = await stat(sshd.root);
  const history = path.join(sshd.root, 'history');
  const todayOnly = path.join(sshd.root, 'today-only');
  const folders = HISTORY_FILES / PER_FOLDER;
  for (let f = 0; f < folders; f++) {
    const campaign = f % CAMPAIGNS;
    const age = 4 + Math.floor(f / CAMPAIGNS); // every one older than SFTP_RECENT_DAYS=3
    const folder = path.join(history, `Campaign${campaign}`, dayFolder(now - age * DAY_MS));
    await mkdir(folder, { recursive: true });
    await Promise.all(
      Array.from({ length: PER_FOLDER }, (_, i) => writeFile(path.join(folder, `55501${String(f * PER_FOLDER + i).padStart(6, '0')} by agent @ 1_00_00 PM.wav`), 'RIFF')),
    );
  }
  for (const root of [history, todayOnly]) {
    for (let campaign = 0; campaign < CAMPAIGNS; campaign++) {
      const folder = path.join(root, `Campaign${campaign}`, dayFolder(now));
      await mkdir(folder, { recursive: true });
      for (let i = 0; i < TODAY_FILES / CAMPAIGNS; i++) await writeFile(path.join(folder, `55502${campaign}${i} by agent @ 9_00_00 AM.wav`), 'RIFF');
    }
    await chownTree(root, owner.uid, owner.gid);
  }

  /** A poller over `remoteDir` with its own ledger, brought to the steady state of a running service. */
  const prepare = async (remoteDir: string, name: string) => {
    const ledger = new SqliteLedger(path.join(local, `${name}.db`));
    const metrics = new Metrics({ defaultMetrics: false });
    const planner = new WalkPlanner(ledger.sourceHistory('sftp'), { recentDays: 3, fullScanIntervalMs: DAY_MS, timeZone: 'UTC' }, remoteDir);
    const poller = new SftpPoller(sshd.settings({ remoteDir, minFileAgeMs: 0 }), {
      metrics,
      log: pino({ level: 'silent' }),
      health: new SourceHealth('sftp', { log: pino({ level: 'silent' }), alertAfter: 3 }),
      planner,
    });
    const claimAll = async (files: FoundFile[]) => {
      let claimed = 0;
      for (const file of files) {
        const row = await ledger.claim(file);
        if (row) {
          claimed++;
          await ledger.finish(row.seq, 'done');
        }
      }
      return claimed;
    };
    // a first run: the full walk finds everything (old files are taken at the first listing), all done
    const fullStarted = process.hrtime.bigint();
    const first = await poller.poll();
    const full = Number(process.hrtime.bigint() - fullStarted) / 1e9;
    await claimAll(first);
    await claimAll(await poller.poll()); // lists the old folders once more and finds them settled; takes today's
    const seconds: number[] = [];
    const round = async () => {
      const started = process.hrtime.bigint();
      const claimed = await claimAll(await poller.poll());
      seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      if (claimed !== 0) throw new Error(`${name}: ${claimed} files claimed in a steady-state poll`);
    };
    const folders = async () => (await metrics.sftpFoldersListed.get()).values[0]?.value ?? 0;
    const files = async () => (await metrics.sftpFilesListed.get()).values[0]?.value ?? 0;
    return { full, round, seconds, folders, files, close: () => ledger.close() };
  };

  const base = await prepare(todayOnly, 'today-only');
  const long = await prepare(history, 'history');
  // side by side: alternate the two so load on the machine hits both alike
  for (let round = 0; round < ROUNDS; round++) {
    await base.round();
    await long.round();
  }
  await base.close();
  await long.close();
  console.log(`poll between full walks, median of ${ROUNDS} (listing + ledger lookups), SFTP_RECENT_DAYS=3:`);
  const basePoll = median(base.seconds);
  const longPoll = median(long.seconds);
  console.log(`  today's folders only (${await base.files()} files)                 ${basePoll.toFixed(3)} s, ${await base.folders()} folders listed  (baseline)`);
  console.log(
    `  + ${HISTORY_FILES} files of history in ${folders} day folders ${longPoll.toFixed(3)} s, ${await long.folders()} folders listed  ratio ${(longPoll / basePoll).toFixed(2)}`,
  );
  console.log(`  the full walk of that history (the first poll): ${long.full.toFixed(2)} s`);
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, uid, gid);
    else await chown(full, uid, gid);
  }
}
