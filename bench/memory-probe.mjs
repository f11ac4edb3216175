// Preloaded (`node --import`) into the `recpipe run --once` that bench/memory.ts measures: samples
// process.memoryUsage() every 50 ms and, as the process exits, writes its peak RSS (the kernel's
// VmHWM, from process.resourceUsage()) and the sampled peaks as JSON to $BENCH_MEMORY_OUT.
import { writeFileSync } from 'node:fs';

const peaks = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sample = () => {
  const now = process.memoryUsage();
  for (const key of Object.keys(peaks)) peaks[key] = Math.max(peaks[key], now[key]);
};
setInterval(sample, 50).unref();
const rssAtStart = process.memoryUsage().rss;
process.once('exit', (code) => {
  sample();
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  writeFileSync(process.env.BENCH_MEMORY_OUT, JSON.stringify({ code, maxRssBytes, rssAtStart, sampledPeaks: peaks }));
});
