import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createOpenAiEmulator } from '../src/emulators/openai-emulator.ts';
import { Service } from '../src/main.ts';
import { createLogger } from '../src/observability/logger.ts';
import { writeTestAudio } from '../test/helpers/test-audio.ts';

const RECORDINGS = Number(process.env.BENCH_RECORDINGS ?? 100);

/** 100 small recordings (2 s, 8 kHz GSM/PCM mono) through the whole pipeline, CONCURRENCY 1 vs 8. */
export async function pipelineThroughput(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'recpipe-bench-'));
  const corpus = path.join(root, 'corpus');
  await mkdir(corpus);
  for (let i = 0; i < RECORDINGS; i++) {
    await writeTestAudio(path.join(corpus, `call-${i}.wav`), { seconds: 2, seed: 5000 + i, codec: i % 2 ? 'gsm_ms' : 'pcm_s16le' });
  }
  const emulator = createOpenAiEmulator();
  const server = await emulator.start();
  const results: Array<{ concurrency: number; seconds: number; perSecond: number }> = [];
  try {
    for (const concurrency of [1, 8]) {
      const dataDir = path.join(root, `data-c${concurrency}`);
      await cp(corpus, path.join(dataDir, 'inbox'), { recursive: true });
      const config = loadConfig({
        DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: server.url,
        CONCURRENCY: String(concurrency),
        INBOX_STABLE_MS: '0',
        WATCH_INBOX: 'false',
        LOG_LEVEL: 'warn',
      });
      const service = new Service(config, createLogger({ ...config.log, destination: process.stderr }));
      const started = process.hrtime.bigint();
      const { tally } = await service.runOnce();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await service.close();
      const summary = tally.summary('run');
      if (summary.succeeded !== RECORDINGS) throw new Error(`expected ${RECORDINGS} done, got ${JSON.stringify(summary)}`);
      results.push({ concurrency, seconds, perSecond: RECORDINGS / seconds });
      console.log(`CONCURRENCY=${concurrency}: ${RECORDINGS} recordings in ${seconds.toFixed(2)} s = ${(RECORDINGS / seconds).toFixed(1)} recordings/s`);
    }
    const [one, eight] = results;
    console.log(`ratio CONCURRENCY 8 / 1: ${(eight!.perSecond / one!.perSecond).toFixed(2)}× (2 cores; ffmpeg spawns dominate)`);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}
