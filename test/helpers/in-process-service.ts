import { loadConfig } from '../../src/config.ts';
import { Service } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';

/**
 * A Service in the test's own process over `dataDir`'s inbox and an OpenAI emulator at
 * `openaiUrl`: one pass at a time (no watcher, no stability wait, one recording at a time),
 * warnings on stderr. `env` adds or overrides settings.
 */
export function serviceOnInbox(dataDir: string, openaiUrl: string, env: Record<string, string> = {}): Promise<Service> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openaiUrl,
    INBOX_STABLE_MS: '0',
    WATCH_INBOX: 'false',
    CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
    ...env,
  });
  return Service.create(config, createLogger({ ...config.log, destination: process.stderr }));
}
