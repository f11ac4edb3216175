import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOpenAiEmulator } from '../src/emulators/openai-emulator.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { startSshd } from '../test/helpers/sshd.ts';
import { writeTestAudio } from '../test/helpers/test-audio.ts';

const RECORDINGS = Number(process.env.BENCH_INSTANCE_RECORDINGS ?? 48);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 2000);
const CONCURRENCY = 4;
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/recpipe.js');

/**
 * 1, 2 and 3 instances of `recpipe run --once` on one PostgreSQL and one SFTP tree, each with its own
 * DATA_DIR, against an emulated transcription latency: throughput should grow with instances until
 * the API (CONCURRENCY ÷ latency per instance) or the two cores bind. Printed as ratios to one.
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
        await sshd.put(`${tree}/Sales/11_30_2026/5551${String(i).padStart(6, '0')} by a@x @ 9_00_00 AM.wav`, await readFile(file), { mtimeMs: Date.now() - 3600_000 });
      }
      const url = await postgres.createDatabase(tree);
      const started = process.hrtime.bigint();
      const done = await Promise.all(
        Array.from({ length: instances }, (_, n) =>
          runOnce({
            DATA_DIR: path.join(root, `${tree}-${n}`),
            DATABASE_URL: url,
            WATCH_INBOX: 'false',
            OPENAI_API_KEY: 'sk-test',
            OPENAI_BASE_URL: server.url,
            CONCURRENCY: String(CONCURRENCY),
            SFTP_HOST: sshd.host,
            SFTP_PORT: String(sshd.port),
            SFTP_USERNAME: sshd.username,
            SFTP_PRIVATE_KEY_PATH: sshd.privateKeyPath,
            SFTP_HOST_KEY_SHA256: sshd.hostKeySha256,
            SFTP_REMOTE_DIR: `${sshd.root}/${tree}`,
            SFTP_MIN_FILE_AGE_MS: '0',
            SFTP_SETTLE_MS: '200',
            LOG_LEVEL: 'warn',
          }),
        ),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const total = done.reduce((sum, n) => sum + n, 0);
      if (total !== RECORDINGS) throw new Error(`${instances} instances: ${total} of ${RECORDINGS} recordings done (${done.join(' + ')})`);
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

/** One `recpipe run --once`; resolves with how many recordings it finished. */
function runOnce(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', '--once'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`run --once exited ${code}: ${stderr.slice(-2000)}`));
      else resolve(stdout.split('\n').filter((line) => line.startsWith('done ')).length);
    });
  });
}
