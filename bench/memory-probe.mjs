// Preloaded (`node --import`) into the `recpipe run --once` that bench/memory.ts measures: samples
// process.memoryUsage() every 50 ms and, as the process exits, writes its peak RSS and the sampled
// peaks as JSON to $BENCH_MEMORY_OUT. The peak is VmHWM from /proc/self/status, not
// process.resourceUsage().maxRSS: getrusage keeps the high-water mark of the address space the
// process had before exec, i.e. the spawning bench's own RSS at fork time, and reported the
// bench's size (130-200 MB) instead of the service's.
import { readFileSync, writeFileSync } from 'node:fs';

const peaks = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sample = () => {
  const now = process.memoryUsage();
  for (const key of Object.keys(peaks)) peaks[key] = Math.max(peaks[key], now[key]);
};
setInterval(sample, 50).unref();
const rssAtStart = process.memoryUsage().rss;
process.once('exit', (code) => {
  sample();
  const maxRssBytes = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
  const getrusageMaxRssBytes = process.resourceUsage().maxRSS * 1024;
  writeFileSync(process.env.BENCH_MEMORY_OUT, JSON.stringify({ code, maxRssBytes, getrusageMaxRssBytes, rssAtStart, sampledPeaks: peaks }));
});
