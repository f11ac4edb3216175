import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeAudio } from '../src/audio/audio-normalizer.ts';
import { probeAudio } from '../src/audio/audio-probe.ts';
import { redactAudio } from '../src/audio/audio-redactor.ts';
import { mediaToolPath } from '../src/audio/ffmpeg-process.ts';
import { paddedSpans } from '../src/audio/padded-spans.ts';
import type { Span } from '../src/audio/span.ts';
import { writeTestAudio, type TestAudioOptions } from '../test/helpers/test-audio.ts';

/** Call length in minutes (BENCH_CALL_MINUTES); Five9 legs are mostly a few minutes. */
const MINUTES = Number(process.env.BENCH_CALL_MINUTES ?? '10');

const CALLS: Array<{ name: string; audio: TestAudioOptions }> = [
  { name: 'GSM WAV mono (Five9)', audio: { seconds: 0, codec: 'gsm_ms' } },
  { name: 'PCM WAV stereo', audio: { seconds: 0, channels: 2 } },
  { name: 'mu-law WAV mono', audio: { seconds: 0, codec: 'pcm_mulaw' } },
];

/**
 * ffmpeg CPU seconds (user + sys of the ffmpeg processes, via a wrapper that runs bash's `times`
 * after each) that audio redaction adds to one call, next to the normalize run of the same call
 * that every recording already pays, as a ratio. A card number and a security code said once
 * each, like most calls that have one: four spans.
 */
export async function redactionBench(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'recpipe-bench-redaction-'));
  const timesLog = path.join(root, 'times.log');
  const wrapper = path.join(root, 'ffmpeg');
  const real = mediaToolPath('ffmpeg');
  await writeFile(wrapper, `#!/bin/bash\n"${real}" "$@"\nrc=$?\ntimes >> "${timesLog}"\nexit $rc\n`);
  await chmod(wrapper, 0o755);
  const previous = process.env.FFMPEG_PATH;
  process.env.FFMPEG_PATH = wrapper;
  const measure = async (work: () => Promise<unknown>): Promise<{ cpu: number; runs: number; wall: number }> => {
    const before = await readTimes(timesLog);
    const started = performance.now();
    await work();
    const after = await readTimes(timesLog);
    return { cpu: after.cpu - before.cpu, runs: after.runs - before.runs, wall: (performance.now() - started) / 1000 };
  };
  try {
    const seconds = Math.round(MINUTES * 60);
    const spans: Span[] = [
      { start: seconds * 0.3, end: seconds * 0.3 + 6 },
      { start: seconds * 0.3 + 7, end: seconds * 0.3 + 9 },
      { start: seconds * 0.31, end: seconds * 0.31 + 1.5 },
      { start: seconds * 0.7, end: seconds * 0.7 + 5 },
    ];
    console.log(`${MINUTES}-minute calls, 4 spans; ffmpeg CPU seconds (user+sys) per call`);
    console.log('call                     normalize      mute (runs)       beep (runs)    mute÷normalize beep÷normalize');
    for (const call of CALLS) {
      const input = path.join(root, `${call.name.replace(/\W+/g, '-')}.wav`);
      await writeTestAudio(input, { ...call.audio, seconds, seed: 5 });
      const info = await probeAudio(input);
      const padded = paddedSpans(spans, info.durationSeconds);
      // the pipeline's own normalize run, with its silence analysis
      const normalize = await measure(() =>
        normalizeAudio(input, info, path.join(root, 'norm'), { analysis: { silence: { noiseDb: -35, minSeconds: 2 } } }),
      );
      const mute = await measure(() => redactAudio(input, info, padded, { outputDir: path.join(root, 'mute'), mode: 'mute' }));
      const beep = await measure(() => redactAudio(input, info, padded, { outputDir: path.join(root, 'beep'), mode: 'beep' }));
      console.log(
        `${call.name.padEnd(24)} ${normalize.cpu.toFixed(3).padStart(8)} s ${mute.cpu.toFixed(3).padStart(8)} s (${mute.runs}) ${beep.cpu.toFixed(3).padStart(8)} s (${beep.runs}) ${(mute.cpu / normalize.cpu).toFixed(2).padStart(12)} ${(beep.cpu / normalize.cpu).toFixed(2).padStart(14)}`,
      );
    }
  } finally {
    if (previous === undefined) delete process.env.FFMPEG_PATH;
    else process.env.FFMPEG_PATH = previous;
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Sums what bash's `times` printed after each run: two lines, the shell's own time then its
 * children's ("0m1.234s 0m0.056s", user then sys); the second is ffmpeg's.
 */
async function readTimes(file: string): Promise<{ cpu: number; runs: number }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  let cpu = 0;
  let runs = 0;
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (const line of lines.filter((_, i) => i % 2 === 1)) {
    const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)];
    if (parts.length !== 2) continue;
    runs += 1;
    for (const [, min, sec] of parts) cpu += Number(min) * 60 + Number(sec);
  }
  return { cpu, runs };
}
