import { cp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { environmentWithDotEnv, loadConfig } from './config.ts';
import { createOpenAiEmulator } from './emulators/openai-emulator.ts';
import { SqliteLedger } from './ledger/sqlite-ledger.ts';
import { Service } from './main.ts';
import { createLogger } from './observability/logger.ts';
import { outcomeLine } from './commands/run-once.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/samples');

/**
 * `npm run demo`: the whole pipeline on built-in emulators (no accounts): copies the sample
 * recordings into the inbox, processes them once and shows what came out.
 * Uses its own ledger (`demo.db`) so it can be run again and again.
 */
async function demo(): Promise<number> {
  const openai = createOpenAiEmulator();
  const openaiServer = await openai.start();
  const env = environmentWithDotEnv();
  const config = loadConfig({
    DATA_DIR: env.DATA_DIR ?? './data',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    FIVE9_TIMEZONE: 'America/New_York',
    AGENT_CHANNEL: 'right',
    INBOX_STABLE_MS: '0',
    WATCH_INBOX: 'false',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openaiServer.url,
  });
  const log = createLogger({ ...config.log, destination: process.stderr });
  const ledgerPath = path.join(config.paths.dataDir, 'demo.db');
  for (const suffix of ['', '-wal', '-shm']) await rm(`${ledgerPath}${suffix}`, { force: true });

  await cp(SAMPLES, config.paths.inboxDir, { recursive: true, filter: (source) => !source.endsWith('README.md') });
  console.log(`demo: OpenAI emulator at ${openaiServer.url}; sample recordings copied to ${config.paths.inboxDir}\n`);

  const service = new Service(config, log, { ledger: new SqliteLedger(ledgerPath) });
  try {
    const tally = await service.runOnce((outcome) => console.log(outcomeLine(outcome)));
    const s = tally.summary('run');
    console.log(`\nsummary: ${s.succeeded} done, ${s.failed} failed, ${s.duplicates} duplicate, ${s.skipped} skipped; ${s.audioSeconds} s of audio`);
    const transcripts = (await readdir(config.paths.transcriptsDir)).filter((f) => f.endsWith('.md')).sort();
    console.log(`transcripts (JSON + Markdown) in ${config.paths.transcriptsDir}: ${transcripts.length} recordings`);
    console.log(`originals in ${config.paths.processedDir}; emulator answered ${openai.stats.requests.filter((r) => r.status === 200).length} transcription requests`);
    return s.failed > 0 ? 1 : 0;
  } finally {
    await service.close();
    await openaiServer.close();
  }
}

demo().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
