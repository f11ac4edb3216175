import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createOpenAiEmulator } from '../src/emulators/openai-emulator.ts';
import { Service } from '../src/main.ts';
import { createLogger } from '../src/observability/logger.ts';
import type { Outcome } from '../src/pipeline/outcome.ts';
import { writeCallAudio, type CallTurn } from '../test/helpers/test-audio.ts';

/** Call lengths in minutes: mostly short, as Five9 legs are (median ~2 min), and a few long ones. */
const CALL_MINUTES = (process.env.BENCH_CALL_MINUTES ?? '1.5,2,2,3,4,6,9,15').split(',').map(Number);

/**
 * Billed audio seconds ÷ call seconds for the same stereo calls with SILENCE_CUT=false and
 * true, through the whole pipeline and the OpenAI emulator (whisper-1 bills each request's
 * whole seconds). Each call is two parties taking turns (2–12 s each, short gaps, now and then
 * a hold of 15–40 s), each channel silent while the other speaks except for bleed at -28 dB, a
 * line hiss at -60 dBFS on both. Without cutting a stereo call costs two call lengths.
 */
export async function billingRatio(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'recpipe-billing-'));
  const corpus = path.join(root, 'corpus');
  await mkdir(corpus);
  let callSeconds = 0;
  for (const [index, minutes] of CALL_MINUTES.entries()) {
    const seconds = Math.round(minutes * 60);
    callSeconds += seconds;
    await writeCallAudio(path.join(corpus, `call-${index}.wav`), {
      seconds,
      channels: 2,
      turns: conversation(seconds, index + 1),
      bleedDb: -28,
      noiseFloorDb: -60,
      seed: index,
    });
  }
  const emulator = createOpenAiEmulator();
  const server = await emulator.start();
  const rows: string[] = [];
  try {
    for (const silenceCut of [false, true]) {
      const dataDir = path.join(root, `data-${silenceCut ? 'cut' : 'whole'}`);
      await cp(corpus, path.join(dataDir, 'inbox'), { recursive: true });
      const config = loadConfig({
        DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: server.url,
        AGENT_CHANNEL: 'left',
        SILENCE_CUT: String(silenceCut),
        CONCURRENCY: '2',
        INBOX_STABLE_MS: '0',
        WATCH_INBOX: 'false',
        LOG_LEVEL: 'warn',
      });
      const service = await Service.create(config, createLogger({ ...config.log, destination: process.stderr }));
      const requestsBefore = emulator.stats.received;
      const outcomes: Outcome[] = [];
      const started = process.hrtime.bigint();
      const childCpuBefore = await childCpuSeconds();
      await service.runOnce((outcome) => outcomes.push(outcome));
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const ffmpegCpu = (await childCpuSeconds()) - childCpuBefore;
      await service.close();
      const done = outcomes.filter((o) => o.kind === 'done');
      if (done.length !== CALL_MINUTES.length) throw new Error(`expected ${CALL_MINUTES.length} done, got ${JSON.stringify(outcomes.map((o) => o.kind))}`);
      const billed = done.reduce((sum, o) => sum + o.billedSeconds, 0);
      const requests = emulator.stats.received - requestsBefore;
      rows.push(
        `  SILENCE_CUT=${String(silenceCut).padEnd(5)}  ${billed.toFixed(0).padStart(8)}  ${(billed / callSeconds).toFixed(2).padStart(8)}  ${String(requests).padStart(8)}  ${wall.toFixed(1).padStart(6)}  ${Number.isNaN(ffmpegCpu) ? '     -' : ffmpegCpu.toFixed(1).padStart(12)}`,
      );
    }
    console.log(`billing: ${CALL_MINUTES.length} stereo calls (${CALL_MINUTES.join(', ')} min), ${(callSeconds / 60).toFixed(1)} min of calls, whisper-1`);
    console.log('                     billed s  ÷ call s  requests  wall s  ffmpeg cpu s');
    for (const row of rows) console.log(row);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** CPU seconds of finished child processes (ffmpeg), from /proc; NaN where there is no /proc. */
async function childCpuSeconds(): Promise<number> {
  try {
    const stat = await readFile('/proc/self/stat', 'utf8');
    // fields after the command name in parentheses; cutime and cstime are the 16th and 17th
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Turns of a two-party call (agent left, caller right), from a seeded generator. */
function conversation(seconds: number, seed: number): CallTurn[] {
  let state = seed * 7919;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const turns: CallTurn[] = [];
  let at = 0.5 + random();
  let channel: 0 | 1 = 0;
  while (at < seconds - 1) {
    const length = channel === 0 ? 2 + random() * 10 : 1 + random() * 9;
    const end = Math.min(seconds - 0.5, at + length);
    turns.push({ start: at, end, channel, levelDb: -4 - random() * 6 });
    // mostly a quick reply; now and then the agent puts the caller on hold
    at = end + (random() < 0.06 ? 15 + random() * 25 : 0.3 + random() * 1.2);
    channel = channel === 0 ? 1 : 0;
  }
  return turns;
}
