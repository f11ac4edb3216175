import { access, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { cutAudio, type AudioCut } from '../audio/chunk-cutter.ts';
import { readSilences } from '../audio/read-silences.ts';
import type { Span } from '../audio/span.ts';
import { SpeechMap } from '../audio/speech-map.ts';
import { analyzeTrack } from '../audio/track-analysis.ts';
import { PermanentError } from '../errors.ts';
import type { NormalizedTrack } from '../recording.ts';
import { PAUSE_SECONDS, needsSilences, planTrack, requestFileName, type PlanSettings, type TrackPlan } from './track-plan.ts';

/** What planning needs besides the plan settings. */
export interface PreparationSettings extends PlanSettings {
  /** silencedetect threshold in dBFS, for tracks normalized without analysis. */
  silenceNoiseDb: number;
}

export interface PreparationDeps {
  checkpoints: ReadonlyMap<string, string>;
  save: (name: string, value: string) => Promise<void>;
  log?: Logger;
}

/** Re-plans allowed when a cut weighs more bytes than estimated. */
const MAX_REPLANS = 3;

/**
 * Plans every given track (or takes its `plan:<channel>` checkpoint) and writes the request
 * files they still need — all tracks of a call with one ffmpeg run. A fresh plan whose cut came
 * out over the byte limit is planned again smaller; plans of several requests are checkpointed
 * before any request is sent, so a resumed call finds the same chunks. Returns plans in order.
 */
export async function prepareTracks(
  tracks: readonly NormalizedTrack[],
  settings: PreparationSettings,
  deps: PreparationDeps,
  signal: AbortSignal,
): Promise<TrackPlan[]> {
  const plans: TrackPlan[] = [];
  const silences = new Map<number, Span[] | undefined>();
  const fresh = new Set<number>();
  for (const track of tracks) {
    const saved = deps.checkpoints.get(`plan:${track.channel}`);
    if (saved) {
      plans.push(JSON.parse(saved) as TrackPlan);
      continue;
    }
    const found = needsSilences(track, settings) ? await silencesOf(track, settings, signal) : undefined;
    silences.set(track.channel, found);
    fresh.add(track.channel);
    plans.push(planTrack(track, found, settings));
  }
  await cutMissing(tracks.map((track, i) => [track, plans[i]!] as const), deps.checkpoints, signal, fresh);

  for (const [i, track] of tracks.entries()) {
    if (!fresh.has(track.channel)) continue;
    let plan = plans[i]!;
    let cap = settings.maxRequestSeconds ?? Infinity;
    for (let attempt = 0; ; attempt++) {
      const heaviest = await heaviestChunk(track, plan, settings.limits.maxBytes);
      if (heaviest.ratio <= 1) break;
      if (attempt >= MAX_REPLANS) throw new PermanentError(`could not cut the track into requests under ${settings.limits.maxBytes} bytes`);
      deps.log?.info({ channel: track.channel, heaviest: heaviest.ratio }, 'a request came out over the byte limit; planning smaller ones');
      // audio as dense as the heaviest request fits in this many seconds (with 5% to spare)
      cap = Math.min(cap, (heaviest.seconds / heaviest.ratio) * 0.95);
      plan = planTrack(track, silences.get(track.channel), { ...settings, maxRequestSeconds: cap });
      await cutAudio(cutsOf(track, plan, () => true), { sampleRate: track.sampleRate, signal });
    }
    plans[i] = plan;
    const sent = plan.chunks.reduce((sum, chunk) => sum + chunk.end - chunk.start, 0);
    deps.log?.debug({ channel: track.channel, trackSeconds: track.durationSeconds, sentSeconds: sent, requests: plan.chunks.length }, 'track planned');
    if (plan.chunks.length > 1) await deps.save(`plan:${track.channel}`, JSON.stringify(plan));
  }
  return plans;
}

/**
 * Writes (one ffmpeg run) the request files the plans need and are not on disk nor answered
 * yet; all of them for the channels in `fresh` (a file left by an interrupted run may belong to
 * another plan).
 */
export async function cutMissing(
  planned: ReadonlyArray<readonly [NormalizedTrack, TrackPlan]>,
  checkpoints: ReadonlyMap<string, string>,
  signal: AbortSignal,
  fresh: ReadonlySet<number> = new Set(),
): Promise<void> {
  const cuts: AudioCut[] = [];
  for (const [track, plan] of planned) {
    const files = chunkFiles(track, plan);
    const wanted = await Promise.all(
      files.map(async (file, n) =>
        fresh.has(track.channel) || (!checkpoints.has(`chunk:${track.channel}:${n}`) && !(await exists(file))),
      ),
    );
    cuts.push(...cutsOf(track, plan, (n) => wanted[n] === true));
  }
  const [first] = planned;
  if (cuts.length > 0 && first) await cutAudio(cuts, { sampleRate: first[0].sampleRate, signal });
}

/** The file each request of a plan sends: the track itself, or `chN.cK.flac` next to it. */
export function chunkFiles(track: NormalizedTrack, plan: TrackPlan): string[] {
  return plan.chunks.map((_, n) => (plan.whole ? track.path : join(dirname(track.path), requestFileName(track.channel, n, plan))));
}

function cutsOf(track: NormalizedTrack, plan: TrackPlan, wanted: (n: number) => boolean): AudioCut[] {
  if (plan.whole) return [];
  const map = new SpeechMap(plan.speech, track.durationSeconds);
  const files = chunkFiles(track, plan);
  return plan.chunks.flatMap((chunk, n) => (wanted(n) ? [{ source: track.path, path: files[n] ?? '', spans: map.originalSpans(chunk.start, chunk.end) }] : []));
}

/** The request file heaviest against the byte limit (`ratio` ≤ 1 when all fit), and its seconds. */
async function heaviestChunk(track: NormalizedTrack, plan: TrackPlan, maxBytes: number): Promise<{ ratio: number; seconds: number }> {
  if (plan.whole) return { ratio: track.bytes / maxBytes, seconds: track.durationSeconds };
  const sizes = await Promise.all(chunkFiles(track, plan).map(async (file) => (await stat(file)).size));
  let heaviest = { ratio: 0, seconds: 0 };
  sizes.forEach((size, n) => {
    const chunk = plan.chunks[n];
    if (chunk && size / maxBytes > heaviest.ratio) heaviest = { ratio: size / maxBytes, seconds: chunk.end - chunk.start };
  });
  return heaviest;
}

/** The track's silences: from its normalize run, or measured now (a track from before analysis). */
async function silencesOf(track: NormalizedTrack, settings: PreparationSettings, signal: AbortSignal): Promise<Span[]> {
  let path = track.silencesPath;
  if (path === undefined || !(await exists(path))) {
    path = join(dirname(track.path), `ch${track.channel}.silences.txt`);
    const minSeconds = Math.min(PAUSE_SECONDS, settings.silenceMinSeconds);
    await analyzeTrack(track.path, track.sampleRate, { silence: { noiseDb: settings.silenceNoiseDb, minSeconds } }, { silences: path }, { signal });
  }
  return readSilences(path, track.durationSeconds);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
