import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createOpenAiEmulator, type OpenAiEmulator } from '../src/emulators/openai-emulator.ts';
import { Service } from '../src/main.ts';
import { createLogger } from '../src/observability/logger.ts';
import { writeTestAudio } from '../test/helpers/test-audio.ts';

const RECORDINGS = Number(process.env.BENCH_RECORDINGS ?? 96);
const SECONDS = Number(process.env.BENCH_CALL_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 2000);

/**
 * Issue 13's backlog: 96 twenty-second GSM calls, the transcription API answering after 2 s,
 * CONCURRENCY=16. The ideal is min(C ÷ L, the CPU-only rate): the CPU-only rate is measured in the
 * same run (same corpus, no API delay, CONCURRENCY 64) so a loaded machine lowers both figures.
 */
export async function pipelineThroughput(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'recpipe-bench-'));
  const corpus = path.join(root, 'corpus');
  await mkdir(corpus);
  for (let i = 0; i < RECORDINGS; i++) {
    await writeTestAudio(path.join(corpus, `call-${i}.wav`), { seconds: SECONDS, seed: 5000 + i, codec: 'gsm_ms' });
  }
  const emulator = createOpenAiEmulator();
  const server = await emulator.start();
  console.log(`${RECORDINGS} × ${SECONDS} s GSM calls, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  try {
    const cpu = await timedRun(root, 'cpu', corpus, server.url, emulator, { concurrency: 64, delayMs: 0 });
    console.log(`CPU-only (no API delay, CONCURRENCY=64): ${cpu.toFixed(2)} recordings/s`);
    const real = await timedRun(root, 'api', corpus, server.url, emulator, { concurrency: CONCURRENCY, delayMs: LATENCY_MS });
    const ideal = Math.min(CONCURRENCY / (LATENCY_MS / 1000), cpu);
    console.log(`API latency ${LATENCY_MS} ms, CONCURRENCY=${CONCURRENCY}: ${real.toFixed(2)} recordings/s`);
    console.log(`ideal min(C ÷ L = ${(CONCURRENCY / (LATENCY_MS / 1000)).toFixed(2)}, CPU-only = ${cpu.toFixed(2)}) = ${ideal.toFixed(2)}/s; ratio ${(real / ideal).toFixed(2)}`);
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

async function timedRun(
  root: string,
  name: string,
  corpus: string,
  url: string,
  emulator: OpenAiEmulator,
  run: { concurrency: number; delayMs: number },
): Promise<number> {
  const dataDir = path.join(root, `data-${name}`);
  await cp(corpus, path.join(dataDir, 'inbox'), { recursive: true });
  emulator.faults.delayMs = run.delayMs;
  const config = loadConfig({
    DATA_DIR: dataDir,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: url,
    CONCURRENCY: String(run.concurrency),
    INBOX_STABLE_MS: '0',
    WATCH_INBOX: 'false',
    LOG_LEVEL: 'warn',
  });
  const service = await Service.create(config, createLogger({ ...config.log, destination: process.stderr }));
  const started = process.hrtime.bigint();
  const { tally } = await service.runOnce();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await service.close();
  const summary = tally.summary('run');
  if (summary.succeeded !== RECORDINGS) throw new Error(`expected ${RECORDINGS} done, got ${JSON.stringify(summary)}`);
  return RECORDINGS / seconds;
}
