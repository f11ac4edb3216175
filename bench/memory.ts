import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mediaToolPath, runMediaProcess } from '../src/audio/ffmpeg-process.ts';
import { createOpenAiEmulator } from '../src/emulators/openai-emulator.ts';

/** Call lengths in minutes; BENCH_MEMORY_MINUTES=30,120 picks fewer. */
const MINUTES = (process.env.BENCH_MEMORY_MINUTES ?? '30,120,240').split(',').map(Number);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PROBE = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));

type Runtime = 'dist' | 'tsx';

interface Peak {
  runtime: Runtime;
  minutes: number;
  fileBytes: number;
  maxRssBytes: number;
  rssAtStart: number;
}

/**
 * Peak RSS of the service for one stereo 16-bit PCM call (8 kHz, ~1.9 MB per minute) of 30 min,
 * 2 h and 4 h, each run alone through the whole pipeline: `recpipe run --once` in a child process
 * on the compiled build (what production runs; built first), the OpenAI emulator in this process.
 * Side by side, the first length again on the TypeScript sources through tsx (the baseline: what
 * runs without a build). Target: < 150 MB at 2 h, and flat in the call's length.
 */
export async function memoryBench(): Promise<void> {
  await build();
  const root = await mkdtemp(path.join(tmpdir(), 'recpipe-bench-memory-'));
  const emulator = createOpenAiEmulator();
  const server = await emulator.start();
  const peaks: Peak[] = [];
  const runs: Array<[Runtime, number]> = [...MINUTES.map((minutes): [Runtime, number] => ['dist', minutes]), ['tsx', MINUTES[0]!]];
  try {
    for (const [runtime, minutes] of runs) {
      const dataDir = path.join(root, `data-${runtime}-${minutes}`);
      const inbox = path.join(dataDir, 'inbox');
      await mkdir(inbox, { recursive: true });
      const file = path.join(inbox, `call-${minutes}min.wav`);
      await writeStereoCall(file, minutes * 60);
      const fileBytes = (await stat(file)).size;
      const out = path.join(root, `peak-${runtime}-${minutes}.json`);
      const result = await runChild(runtime, out, { DATA_DIR: dataDir, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.url, AGENT_CHANNEL: 'left' });
      peaks.push({ runtime, minutes, fileBytes, maxRssBytes: result.maxRssBytes, rssAtStart: result.rssAtStart });
      console.log(`${runtime.padEnd(4)} ${String(minutes).padStart(4)} min stereo PCM (${mb(fileBytes)} MB file): peak RSS ${mb(result.maxRssBytes)} MB (${mb(result.rssAtStart)} MB at start, +${mb(result.maxRssBytes - result.rssAtStart)} MB for loading and the call; peak Buffers ${mb(result.sampledPeaks.arrayBuffers)} MB, heap ${mb(result.sampledPeaks.heapUsed)} MB; getrusage's maxRSS ${mb(result.getrusageMaxRssBytes)} MB counts the bench at fork)`);
      await rm(dataDir, { recursive: true, force: true });
    }
    const compiled = peaks.filter((peak) => peak.runtime === 'dist');
    const first = compiled[0];
    const last = compiled[compiled.length - 1];
    if (first && last && first !== last) {
      console.log(`ratio peak RSS ${last.minutes} min / ${first.minutes} min (dist): ${(last.maxRssBytes / first.maxRssBytes).toFixed(2)}× (file ${(last.fileBytes / first.fileBytes).toFixed(0)}×)`);
    }
    const baseline = peaks.find((peak) => peak.runtime === 'tsx');
    if (first && baseline) console.log(`ratio peak RSS dist / tsx at ${first.minutes} min: ${(first.maxRssBytes / baseline.maxRssBytes).toFixed(2)}×`);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Two channels of quiet noise with tones, cheap for ffmpeg to make (anoisesrc + sine). */
async function writeStereoCall(file: string, seconds: number): Promise<void> {
  const source = `aevalsrc=0.3*sin(2*PI*440*t)+0.05*random(0)|0.3*sin(2*PI*1200*t)+0.05*random(1):s=8000:d=${seconds}`;
  const result = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-c:a', 'pcm_s16le', '-f', 'wav', file]);
  if (result.exitCode !== 0) throw new Error(`ffmpeg could not write ${file}: ${result.stderr}`);
}

interface ChildResult {
  code: number;
  /** VmHWM: the service's own peak. */
  maxRssBytes: number;
  /** getrusage's, which includes the bench's RSS at fork time: printed to show the difference. */
  getrusageMaxRssBytes: number;
  rssAtStart: number;
  sampledPeaks: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

/** `npm run build`: the memory that counts is the compiled build's. */
async function build(): Promise<void> {
  const child = spawn('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`npm run build exited ${code}`);
}

/** `recpipe run --once` (exit 0: every recording succeeded) with the memory probe preloaded. */
async function runChild(runtime: Runtime, out: string, env: Record<string, string>): Promise<ChildResult> {
  const child = spawn(process.execPath, ['--import', PROBE, path.join(ROOT, 'bin/recpipe.js'), 'run', '--once'], {
    env: { ...process.env, ...env, RECPIPE_RUNTIME: runtime, BENCH_MEMORY_OUT: out, WATCH_INBOX: 'false', INBOX_STABLE_MS: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`recpipe run --once (${runtime}) exited ${code}: the call did not succeed`);
  return JSON.parse(await readFile(out, 'utf8')) as ChildResult;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}
