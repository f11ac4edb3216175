import { spawn } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { SqliteLedger } from '../src/ledger/sqlite-ledger.ts';
import { Metrics } from '../src/observability/metrics.ts';
import { SftpPoller } from '../src/sftp/sftp-poller.ts';
import { SftpSession } from '../src/sftp/sftp-session.ts';
import { SourceHealth } from '../src/sftp/source-health.ts';
import { startSshd, type TestSshd } from '../test/helpers/sshd.ts';
import { sftpHistoryBench } from './sftp-history.ts';

const FILE_MB = Number(process.env.BENCH_SFTP_MB ?? 200);
const KNOWN_FILES = Number(process.env.BENCH_SFTP_FILES ?? 20_000);
const ROUNDS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** OpenSSH's own client fetching the file: the baseline, in the same run, on the same server. */
function opensshGet(sshd: TestSshd, remote: string, local: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('sftp', [
      '-q', '-b', '-', '-i', sshd.privateKeyPath, '-P', String(sshd.port),
      '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'IdentitiesOnly=yes',
      `${sshd.username}@${sshd.host}`,
    ], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e9) : reject(new Error(`sftp exited ${code}: ${stderr}`))));
    child.stdin.end(`get "${remote}" "${local}"\n`);
  });
}

async function ours(sshd: TestSshd, remote: string, local: string, size: number, parallelReads: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  const session = await SftpSession.open(sshd.settings({ parallelReads }));
  try {
    await session.download(remote, local, size);
  } finally {
    await session.end();
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Download throughput vs OpenSSH `sftp`, and one poll over thousands of known files. */
export async function sftpBench(): Promise<void> {
  const sshd = await startSshd();
  const local = await mkdtemp(path.join(tmpdir(), 'recpipe-bench-sftp-'));
  try {
    const { path: remote } = await sshd.putRandom('big/recording.wav', FILE_MB * 1024 * 1024);
    const size = FILE_MB * 1024 * 1024;
    const times: Record<string, number[]> = { openssh: [], stream: [], parallel: [] };
    for (let round = 0; round < ROUNDS; round++) {
      times.openssh!.push(await opensshGet(sshd, remote, path.join(local, 'cli.bin')));
      times.stream!.push(await ours(sshd, remote, path.join(local, 'stream.bin'), size, false));
      times.parallel!.push(await ours(sshd, remote, path.join(local, 'parallel.bin'), size, true));
      await rm(path.join(local, 'cli.bin'), { force: true });
    }
    const mbps = (key: string) => FILE_MB / median(times[key]!);
    console.log(`download of ${FILE_MB} MiB over loopback, median of ${ROUNDS} (connect included for all):`);
    console.log(`  OpenSSH sftp client        ${mbps('openssh').toFixed(0)} MiB/s  (baseline)`);
    console.log(`  recpipe streamed (default) ${mbps('stream').toFixed(0)} MiB/s  ratio ${(mbps('stream') / mbps('openssh')).toFixed(2)}`);
    console.log(`  recpipe SFTP_PARALLEL_READS ${mbps('parallel').toFixed(0)} MiB/s  ratio ${(mbps('parallel') / mbps('openssh')).toFixed(2)}`);

    await knownFilesPoll(sshd, local);
    await sftpHistoryBench(sshd, local);
  } finally {
    await sshd.dispose();
    await rm(local, { recursive: true, force: true });
  }
}

/** A poll over KNOWN_FILES files that the ledger already knows: listing + ledger lookups, no download. */
async function knownFilesPoll(sshd: TestSshd, local: string): Promise<void> {
  const uidGid = await import('node:fs/promises').then((fs) => fs.stat(sshd.root));
  const perFolder = 50;
  const made = new Set<string>();
  for (let i = 0; i < KNOWN_FILES; i++) {
    const day = Math.floor(i / perFolder);
    const folder = path.join(sshd.root, 'known', `Campaign${day % 4}`, `${1 + (day % 12)}_${1 + (Math.floor(day / 12) % 28)}_${2020 + Math.floor(day / 336)}`);
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    const file = path.join(folder, `55500${String(i).padStart(5, '0')}Campaign by agent @ 1_00_00 PM.wav`);
    await writeFile(file, 'RIFF');
  }
  await chownTree(path.join(sshd.root, 'known'), uidGid.uid, uidGid.gid);
  const ledger = new SqliteLedger(path.join(local, 'ledger.db'));
  const health = new SourceHealth('sftp', { log: pino({ level: 'silent' }), alertAfter: 3 });
  const poller = new SftpPoller(sshd.settings({ remoteDir: `${sshd.root}/known`, minFileAgeMs: 0 }), {
    metrics: new Metrics({ defaultMetrics: false }),
    log: pino({ level: 'silent' }),
    health,
  });
  // the first listing only remembers sizes (the files are new); the second takes them all; make every file known, as after the first run
  await poller.poll();
  for (const file of await poller.poll()) {
    const claimed = await ledger.claim(file);
    if (claimed) await ledger.finish(claimed.seq, 'done');
  }
  const rounds: Array<{ list: number; lookup: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    const files = await poller.poll();
    const listed = process.hrtime.bigint();
    let claimed = 0;
    for (const file of files) if (await ledger.claim(file)) claimed++;
    const ended = process.hrtime.bigint();
    if (claimed !== 0 || files.length !== KNOWN_FILES) throw new Error(`expected ${KNOWN_FILES} known files, got ${files.length} (${claimed} new)`);
    rounds.push({ list: Number(listed - started) / 1e9, lookup: Number(ended - listed) / 1e9 });
  }
  await ledger.close();
  const list = median(rounds.map((r) => r.list));
  const lookup = median(rounds.map((r) => r.lookup));
  console.log(`poll over ${KNOWN_FILES} known files (${KNOWN_FILES / perFolder} day folders), median of ${ROUNDS}:`);
  console.log(`  listing ${list.toFixed(2)} s + ledger lookups ${lookup.toFixed(2)} s = ${(list + lookup).toFixed(2)} s; downloads 0, hashes 0`);
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, uid, gid);
    else await chown(full, uid, gid);
  }
}
