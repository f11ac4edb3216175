import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mediaToolPath, runMediaProcess } from '../src/audio/ffmpeg-process.ts';
import { createOpenAiEmulator } from '../src/emulators/openai-emulator.ts';

/** Call lengths in minutes; BENCH_MEMORY_MINUTES=30,120 picks fewer. */
const MINUTES = (process.env.BENCH_MEMORY_MINUTES ?? '30,120,240').split(',').map(Number);
const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

interface Peak {
  minutes: number;
  fileBytes: number;
  maxRssBytes: number;
  rssAtStart: number;
}

/**
 * Peak RSS of the service for one stereo 16-bit PCM call (8 kHz, ~1.9 MB per minute) of 30 min,
 * 2 h and 4 h, each run alone through the whole pipeline (`runOnce`, OpenAI emulator in this
 * process, the service in a child). Target: < 150 MB at 2 h, and flat in the call's length.
 */
export async function memoryBench(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'recpipe-bench-memory-'));
  const emulator = createOpenAiEmulator();
  const server = await emulator.start();
  const peaks: Peak[] = [];
  try {
    for (const minutes of MINUTES) {
      const dataDir = path.join(root, `data-${minutes}`);
      const inbox = path.join(dataDir, 'inbox');
      await mkdir(inbox, { recursive: true });
      const file = path.join(inbox, `call-${minutes}min.wav`);
      await writeStereoCall(file, minutes * 60);
      const fileBytes = (await stat(file)).size;
      const result = await runChild({ DATA_DIR: dataDir, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.url, AGENT_CHANNEL: 'left' });
      if (result.succeeded !== 1) throw new Error(`${minutes} min call did not succeed: ${JSON.stringify(result)}`);
      peaks.push({ minutes, fileBytes, maxRssBytes: result.maxRssBytes, rssAtStart: result.rssAtStart });
      console.log(`${String(minutes).padStart(4)} min stereo PCM (${mb(fileBytes)} MB file): peak RSS ${mb(result.maxRssBytes)} MB (${mb(result.rssAtStart)} MB after start-up, +${mb(result.maxRssBytes - result.rssAtStart)} MB for the call; peak Buffers ${mb(result.sampledPeaks.arrayBuffers)} MB, heap ${mb(result.sampledPeaks.heapUsed)} MB)`);
      await rm(dataDir, { recursive: true, force: true });
    }
    const first = peaks[0];
    const last = peaks[peaks.length - 1];
    if (first && last && first !== last) {
      console.log(`ratio peak RSS ${last.minutes} min / ${first.minutes} min: ${(last.maxRssBytes / first.maxRssBytes).toFixed(2)}× (file ${(last.fileBytes / first.fileBytes).toFixed(0)}×)`);
    }
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
  maxRssBytes: number;
  rssAtStart: number;
  sampledPeaks: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
  succeeded: number;
  failed: number;
}

async function runChild(env: Record<string, string>): Promise<ChildResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const line = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`memory child exited ${code}: ${out}`);
  return JSON.parse(line) as ChildResult;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}
