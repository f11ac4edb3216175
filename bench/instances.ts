import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createOpenAiEmulator } from '../src/emulators/openai-emulator.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { startSshd } from '../test/helpers/sshd.ts';
import { writeTestAudio } from '../test/helpers/test-audio.ts';

const RECORDINGS = Number(process.env.BENCH_INSTANCE_RECORDINGS ?? 48);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 2000);
const CONCURRENCY = 4;
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/recpipe.js');

/**
 * 1, 2 and 3 instances of `recpipe start` (long-running, so each claims only what its stages can
 * hold) on one PostgreSQL and one SFTP tree, each with its own DATA_DIR, against an emulated
 * transcription latency: throughput should grow with instances until the API (CONCURRENCY ÷
 * latency per instance) or the two cores bind. Timed from start until the ledger has every
 * recording done. Printed as ratios to one.
 */
export async function instancesBench(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'recpipe-bench-instances-'));
  const [postgres, sshd] = await Promise.all([startPostgres(), startSshd()]);
  const emulator = createOpenAiEmulator();
  const server = await emulator.start();
  emulator.faults.delayMs = LATENCY_MS;
  try {
    const corpus = path.join(root, 'corpus');
    await mkdir(corpus);
    const results: Array<{ instances: number; perSecond: number }> = [];
    for (const instances of [1, 2, 3]) {
      // a fresh tree and database per round: the same work, nothing known
      const tree = `round${instances}`;
      for (let i = 0; i < RECORDINGS; i++) {
        const file = path.join(corpus, `r${instances}-${i}.wav`);
        await writeTestAudio(file, { seconds: 20, seed: instances * 1000 + i, codec: 'gsm_ms' });
        // staged beside the watched folder, moved in at once when every instance is up
        await sshd.put(`${tree}-staged/Sales/11_30_2026/5551${String(i).padStart(6, '0')} by a@x @ 9_00_00 AM.wav`, await readFile(file), { mtimeMs: Date.now() - 3600_000 });
      }
      await sshd.put(`${tree}/.keep`, '');
      const url = await postgres.createDatabase(tree);
      const services = await Promise.all(
        Array.from({ length: instances }, async (_, n) =>
          startService({
            DATA_DIR: path.join(root, `${tree}-${n}`),
            DATABASE_URL: url,
            WATCH_INBOX: 'false',
            OPENAI_API_KEY: 'sk-test',
            OPENAI_BASE_URL: server.url,
            CONCURRENCY: String(CONCURRENCY),
            HTTP_PORT: String(await freePort()),
            SFTP_HOST: sshd.host,
            SFTP_PORT: String(sshd.port),
            SFTP_USERNAME: sshd.username,
            SFTP_PRIVATE_KEY_PATH: sshd.privateKeyPath,
            SFTP_HOST_KEY_SHA256: sshd.hostKeySha256,
            SFTP_REMOTE_DIR: `${sshd.root}/${tree}`,
            SFTP_MIN_FILE_AGE_MS: '0',
            SFTP_POLL_INTERVAL_MS: '1000',
            LOG_LEVEL: 'warn',
          }),
        ),
      );
      const started = process.hrtime.bigint();
      await rename(path.join(sshd.root, `${tree}-staged`, 'Sales'), path.join(sshd.root, tree, 'Sales'));
      const ledger = new pg.Client({ connectionString: url });
      await ledger.connect();
      try {
        for (;;) {
          const { rows } = await ledger.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM recordings WHERE state = 'done'`).catch(() => ({ rows: [{ n: 0 }] }));
          if ((rows[0]?.n ?? 0) >= RECORDINGS) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await ledger.end();
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const done = await Promise.all(services.map((service) => service.stop()));
      results.push({ instances, perSecond: RECORDINGS / seconds });
      console.log(`${instances} instance(s): ${RECORDINGS} recordings in ${seconds.toFixed(1)} s = ${(RECORDINGS / seconds).toFixed(2)} recordings/s (split ${done.join(' + ')})`);
    }
    const one = results[0]!.perSecond;
    const apiBound = CONCURRENCY / (LATENCY_MS / 1000);
    console.log(`ratios to one instance: ${results.map((r) => `${r.instances}: ${(r.perSecond / one).toFixed(2)}×`).join(', ')}`);
    console.log(`(one instance's API bound: CONCURRENCY ${CONCURRENCY} ÷ ${LATENCY_MS / 1000} s = ${apiBound.toFixed(1)} recordings/s; 2 cores)`);
  } finally {
    await server.close();
    await Promise.all([postgres.dispose(), sshd.dispose()]);
    await rm(root, { recursive: true, force: true });
  }
}

/** A `recpipe start` child; `stop()` sends SIGTERM and resolves with the recordings it finished. */
async function startService(env: Record<string, string>): Promise<{ stop: () => Promise<number> }> {
  const child = spawn(process.execPath, [BIN, 'start'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let waited = 0; ; waited += 200) {
    const up = await fetch(`http://127.0.0.1:${env.HTTP_PORT}/health`).then((r) => r.ok, () => false);
    if (up) break;
    if (child.exitCode !== null || waited > 90_000) throw new Error(`recpipe start did not come up: ${output.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    stop: async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${env.HTTP_PORT}/metrics`)).text();
      child.kill('SIGTERM');
      await exited;
      return Number(/^files_processed_total\{status="success"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
    },
  };
}
