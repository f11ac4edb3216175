/**
 * One `runOnce` of the service over `DATA_DIR`'s inbox, in its own process so that its peak RSS
 * (`process.resourceUsage().maxRSS`, the kernel's VmHWM) is the service's alone. Prints one JSON
 * line: `{ maxRssBytes, succeeded, failed }`. Run by bench/memory.ts; not a user command.
 */
import { loadConfig } from '../src/config.ts';
import { Service } from '../src/main.ts';
import { createLogger } from '../src/observability/logger.ts';

// sampled to tell what grows (heap, Buffers) when the peak is too high
const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  for (const key of Object.keys(peak) as Array<keyof typeof peak>) peak[key] = Math.max(peak[key], now[key]);
}, 50);
const atStart = process.memoryUsage().rss;
const config = loadConfig({ ...process.env, WATCH_INBOX: 'false', INBOX_STABLE_MS: '0', LOG_LEVEL: 'warn' });
const service = new Service(config, createLogger({ ...config.log, destination: process.stderr }));
const { tally } = await service.runOnce();
await service.close();
const summary = tally.summary('run');
clearInterval(sampler);
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ maxRssBytes, rssAtStart: atStart, sampledPeaks: peak, succeeded: summary.succeeded, failed: summary.failed })}\n`);
process.exit(0);
