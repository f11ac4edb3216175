import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeAudio } from '../../src/audio/audio-normalizer.ts';
import { probeAudio } from '../../src/audio/audio-probe.ts';
import { createOpenAiEmulator, MAX_BODY_BYTES, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import type { NormalizedTrack, Segment, TranscriptDocument } from '../../src/recording.ts';
import type { Redaction } from '../../src/redact/redaction.ts';
import { buildRedactor } from '../../src/redact/redactor.ts';
import { OpenAiTranscriber } from '../../src/transcribe/openai-transcriber.ts';
import { requestLimitsFor, type RequestLimits } from '../../src/transcribe/request-limits.ts';
import type { TrackPlan } from '../../src/transcribe/track-plan.ts';
import { transcribeTrack } from '../../src/transcribe/track-transcriber.ts';
import { freePort } from '../helpers/free-port.ts';
import { RecpipeService } from '../helpers/recpipe-process.ts';
import { writeCallAudio } from '../helpers/test-audio.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** White noise (FLAC cannot shrink it) in 9 s stretches with a 1 s pause after each: pauses to cut at, none long enough to cut out. */
function noiseCall(seconds: number) {
  const turns = [];
  for (let t = 0; t < seconds; t += 10) turns.push({ start: t, end: Math.min(seconds, t + 9), levelDb: -3 });
  return { seconds, turns, texture: 'noise' as const };
}

/** The call "says" one word per second: w0 at 0–1 s, w1 at 1–2 s, … */
const wordsIn = (from: number, to: number): string[] => {
  const words: string[] = [];
  for (let i = Math.ceil(from - 0.5); i + 0.5 < to; i++) words.push(`w${i}`);
  return words;
};

function expectContinuous(segments: Segment[], seconds: number): void {
  for (const [i, segment] of segments.entries()) {
    expect(segment.end).toBeGreaterThanOrEqual(segment.start);
    if (i > 0) expect(segment.start).toBeGreaterThanOrEqual(segments[i - 1]!.end - 1e-6);
  }
  expect(segments[0]!.start).toBeLessThan(1);
  expect(segments.at(-1)!.end).toBeGreaterThan(seconds - 1);
  expect(segments.at(-1)!.end).toBeLessThanOrEqual(seconds + 0.01);
}

describe('long calls: chunks within both limits, joined without seams (real ffmpeg, emulator, SDK)', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let root: string;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-long-'));
  });
  afterAll(async () => {
    emulator.faults.release();
    await running.close();
    await rm(root, { recursive: true, force: true });
  });

  async function normalized(name: string, seconds: number): Promise<NormalizedTrack> {
    const wav = await writeCallAudio(path.join(root, `${name}.wav`), noiseCall(seconds));
    const [track] = await normalizeAudio(wav, await probeAudio(wav), path.join(root, name), {
      analysis: { silence: { noiseDb: -35, minSeconds: 0.3 } },
    });
    return track!;
  }

  /** Transcribes a track the way the pipeline does; each request "hears" the words of its own stretch of the call. */
  async function transcribe(
    track: NormalizedTrack,
    model: string,
    options: { limits?: RequestLimits; redact?: (segments: Segment[]) => Redaction; words?: (from: number, to: number) => string[] } = {},
  ) {
    const checkpoints = new Map<string, string>();
    const transcriber = new OpenAiTranscriber({ apiKey: 'sk-test', baseURL: running.url, model });
    const before = emulator.stats.received;
    const words = options.words ?? wordsIn;
    const result = await transcribeTrack(
      track,
      { silenceCut: true, silenceMinSeconds: 2, silenceNoiseDb: -35, limits: options.limits ?? requestLimitsFor(model) },
      {
        transcriber,
        redact: options.redact ?? ((segments) => ({ segments, counts: {}, spans: [] })),
        checkpoints,
        save: async (name, value) => {
          checkpoints.set(name, value);
          // the plan is saved before the first request: script what each chunk will hear
          if (name === `plan:${track.channel}`) for (const chunk of (JSON.parse(value) as TrackPlan).chunks) emulator.say(...words(chunk.start, chunk.end));
        },
      },
      new AbortController().signal,
    );
    return { result, checkpoints, requests: emulator.stats.requests.slice(before) };
  }

  it('45 minutes of 8 kHz PCM (FLAC over 25 MiB) through whisper-1: split by bytes at pauses, one seamless transcript', async () => {
    const track = await normalized('whisper-45', 2700);
    expect(track.bytes).toBeGreaterThan(MAX_BODY_BYTES);
    const { result, checkpoints, requests } = await transcribe(track, 'whisper-1');

    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const request of requests) {
      expect(request.status).toBe(200);
      expect(request.bytes).toBeLessThan(MAX_BODY_BYTES);
    }
    const plan = JSON.parse(checkpoints.get('plan:0')!) as TrackPlan;
    expect(plan.chunks).toHaveLength(requests.length);
    // every cut is inside one of the 1 s pauses (at 9–10 s of each 10 s), not in the noise
    for (const chunk of plan.chunks.slice(1)) expect((chunk.start + 1.25) % 10).toBeGreaterThanOrEqual(9);
    expect(result.result.segments.map((s) => s.text)).toEqual(wordsIn(0, 2700));
    expectContinuous(result.result.segments, 2700);
    // words land on their own second of the call (whisper gives segment times)
    for (const segment of result.result.segments) expect(Math.abs(segment.start - Number(segment.text.slice(1)))).toBeLessThan(1.5);
    expect(result.result.billedSeconds).toBeLessThan(2700 + 10);
  });

  it('30 minutes with gpt-4o-transcribe (over its 1,400 s cap): split by duration, one seamless transcript', async () => {
    const track = await normalized('gpt-30', 1800);
    const { result, requests } = await transcribe(track, 'gpt-4o-transcribe');
    expect(requests.map((r) => r.status)).toEqual([200, 200]);
    expect(result.result.text.split(' ')).toEqual(wordsIn(0, 1800));
    expectContinuous(result.result.segments, 1800);
    expect(result.result.billedSeconds).toBeCloseTo(1802.5, 1);
  });

  it('plans smaller requests when a dense stretch comes out over the byte limit', async () => {
    // 100 s of noise (~16 kB/s as FLAC) then 100 s of speech-like audio (~10 kB/s): the average
    // under-estimates the first requests
    const wav = await writeCallAudio(path.join(root, 'dense.wav'), {
      seconds: 200,
      turns: [
        { start: 0, end: 100, texture: 'noise', levelDb: -3 },
        { start: 100, end: 200 },
      ],
    });
    const [track] = await normalizeAudio(wav, await probeAudio(wav), path.join(root, 'dense'), { analysis: { silence: { noiseDb: -35, minSeconds: 0.3 } } });
    const maxBytes = 1_048_576;
    const { result, checkpoints, requests } = await transcribe(track!, 'whisper-1', { limits: { maxBytes } });
    const plan = JSON.parse(checkpoints.get('plan:0')!) as TrackPlan;
    expect(plan.chunks.length).toBeGreaterThanOrEqual(4);
    for (const request of requests) {
      expect(request.status).toBe(200);
      expect(request.bytes).toBeLessThan(maxBytes + 4096);
    }
    expect(result.result.segments.map((s) => s.text)).toEqual(wordsIn(0, 200));
  });

  it('masks a card number spoken across a seam, which neither request heard whole, and never checkpoints it', async () => {
    const track = await normalized('seam-card', 100);
    // one word a second; "four one one … one" (16 digits, Luhn-valid) from 42 s to 58 s, across the cut near 50 s
    const spoken = Array.from({ length: 100 }, (_, i) => (i === 41 ? 'is' : i === 42 ? 'four' : i > 42 && i < 58 ? 'one' : i === 58 ? 'thanks.' : `w${i}`));
    spoken.splice(38, 3, 'my', 'card', 'number');
    // and a second card said in digits well inside the second request, from 70 s to 74 s
    spoken.splice(69, 5, 'card', '4111', '1111', '1111', '1111');
    const { result, checkpoints } = await transcribe(track, 'whisper-1', {
      limits: { maxBytes: 24 * 1024 * 1024, maxSeconds: 60 },
      redact: buildRedactor(['pci', 'ssn']),
      words: (from, to) => spoken.filter((_, i) => i + 0.5 >= from && i + 0.5 < to),
    });
    const plan = JSON.parse(checkpoints.get('plan:0')!) as TrackPlan;
    expect(plan.chunks.length).toBe(2);
    expect(plan.chunks[1]!.start).toBeGreaterThan(43);
    expect(plan.chunks[0]!.end).toBeLessThan(57);
    expect(result.result.text).toContain('my card number is [card number] thanks.');
    expect(result.result.text).toContain('w68 card [card number] w74');
    expect(result.redactions).toEqual({ 'card number': 2 });
    // where they were said, on the call's own clock: the seam's card from the joined pass (whole
    // segments, here one word each), the other from its request's word times plus its offset
    const spans = result.maskedSpans!;
    const covered = (t: number) => spans.some((s) => s.start <= t && t <= s.end);
    for (let t = 42.2; t < 57.8; t += 0.2) expect(covered(t)).toBe(true);
    for (let t = 70.2; t < 73.8; t += 0.2) expect(covered(t)).toBe(true);
    for (const span of spans) expect((span.start > 41 && span.end < 59) || (span.start > 69 && span.end < 75)).toBe(true);
    const sixteen = /four(\s+one){15}/;
    expect(result.result.text).not.toMatch(/four\s+one/);
    for (const value of checkpoints.values()) expect(value).not.toMatch(sixteen);
  });

  it('a process killed mid-call resumes at the missing chunk: each chunk is paid for exactly once', async () => {
    const dataDir = path.join(root, 'service');
    const inbox = path.join(dataDir, 'inbox');
    await mkdir(inbox, { recursive: true });
    const env = {
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: running.url,
      TRANSCRIBE_MODEL: 'gpt-4o-transcribe',
      HTTP_PORT: String(await freePort()),
      INBOX_STABLE_MS: '200',
      RETRY_BASE_DELAY_MS: '50',
      RETRY_MAX_DELAY_MS: '300',
    };
    await writeCallAudio(path.join(inbox, 'long-call.wav'), { ...noiseCall(1800), seed: 9 });
    const before = emulator.stats.received;
    const mine = () => emulator.stats.requests.slice(before);
    emulator.faults.hold();
    let service = await RecpipeService.start(env, root);
    await waitFor('the first chunk request', () => emulator.stats.held >= 1, 60_000);
    emulator.faults.release();
    emulator.faults.hold();
    await waitFor('the second chunk request, parked', () => mine().some((r) => r.delivered) && emulator.stats.held >= 1, 60_000);
    await service.stop('SIGKILL');
    emulator.faults.release();

    service = await RecpipeService.start(env, root);
    const transcripts = path.join(dataDir, 'transcripts');
    await waitFor('the transcript', async () => existsSync(transcripts) && (await readdir(transcripts)).some((f) => f.endsWith('.json')), 90_000);
    expect((await service.stop('SIGTERM')).code).toBe(0);

    const requests = mine();
    const [first, second] = [requests[0]!.audioSha256!, requests[1]!.audioSha256!];
    expect(first).not.toBe(second);
    // chunk 1 was sent once; chunk 2 twice (the first answer never reached the killed process)
    expect(requests.filter((r) => r.audioSha256 === first)).toHaveLength(1);
    expect(requests.map((r) => r.audioSha256)).toEqual([first, second, second]);
    expect(emulator.stats.deliveredFor(first)).toBe(1);
    expect(emulator.stats.deliveredFor(second)).toBe(1);

    const json = (await readdir(transcripts)).find((f) => f.endsWith('.json'))!;
    const doc = JSON.parse(await readFile(path.join(transcripts, json), 'utf8')) as TranscriptDocument;
    expect(doc.audio.durationSeconds).toBe(1800);
    expectContinuous(doc.segments, 1800);
  });
});
