import { frameSeconds } from '../audio/chunk-cutter.ts';
import { planChunks } from '../audio/chunk-planner.ts';
import type { Span } from '../audio/span.ts';
import { SpeechMap } from '../audio/speech-map.ts';
import type { NormalizedTrack } from '../recording.ts';
import type { RequestLimits } from './request-limits.ts';

/** How one track is sent: what is kept of it, and the requests (checkpointed as `plan:<channel>`). */
export interface TrackPlan {
  /** Kept stretches of the track (seconds), in order; empty when the track holds no speech. */
  speech: Span[];
  /** Each request's stretch of the condensed audio (the kept stretches back to back), overlaps included. */
  chunks: Span[];
  /** True when the track file itself is sent as it is: nothing cut, one request. */
  whole: boolean;
}

/** What shapes a plan. */
export interface PlanSettings {
  /** Cut silences of at least `silenceMinSeconds` out before sending (SILENCE_CUT). */
  silenceCut: boolean;
  silenceMinSeconds: number;
  limits: RequestLimits;
  /** Audio shared by neighbouring requests; default 2.5 s. */
  overlapSeconds?: number;
  /** Silence kept next to speech at each cut; default 0.3 s. */
  paddingSeconds?: number;
  /** A tighter cap on request seconds, learnt from a cut that came out heavier than estimated. */
  maxRequestSeconds?: number;
}

/** Pauses shorter than this are not worth cutting a request at (a breath between words). */
export const PAUSE_SECONDS = 0.3;
/** Requests stay this far under a duration cap, against rounding in the provider's decoder. */
const DURATION_MARGIN_SECONDS = 5;
/** Cutting out less than this saves too little to pay an ffmpeg run for. */
const MIN_SAVING_SECONDS = 1;
/** Less kept audio than this is not speech (and under the API's 0.1 s minimum). */
const MIN_SPEECH_SECONDS = 0.2;

/**
 * Decides how a track is transcribed: which silences to cut (none when `silenceCut` is off or
 * the saving is tiny) and how to split the rest into requests within `limits`. Pure: the same
 * track, silences and settings always give the same plan, so a resumed call finds the same chunks.
 * `silences` may be undefined only when the plan does not need them ({@link needsSilences}).
 */
export function planTrack(
  track: Pick<NormalizedTrack, 'durationSeconds' | 'bytes' | 'sampleRate'>,
  silences: readonly Span[] | undefined,
  settings: PlanSettings,
): TrackPlan {
  const duration = track.durationSeconds;
  const grid = frameSeconds(track.sampleRate);
  const padding = settings.paddingSeconds ?? 0.3;
  let map = settings.silenceCut && silences
    ? SpeechMap.fromSilences(silences, duration, { minSilenceSeconds: settings.silenceMinSeconds, paddingSeconds: padding, gridSeconds: grid })
    : SpeechMap.whole(duration);
  if (map.durationSeconds < MIN_SPEECH_SECONDS) return { speech: [], chunks: [], whole: false };
  if (map.removedSeconds < MIN_SAVING_SECONDS) map = SpeechMap.whole(duration);

  // all of the file's bytes over the kept seconds: silence compresses to almost nothing, so
  // this over-estimates what a stretch of speech weighs, which is the safe side
  const bySize = settings.limits.maxBytes / (track.bytes / map.durationSeconds);
  const byDuration = settings.limits.maxSeconds === undefined ? Infinity : settings.limits.maxSeconds - DURATION_MARGIN_SECONDS;
  const maxSeconds = Math.min(bySize, byDuration, settings.maxRequestSeconds ?? Infinity);

  const pauses: Span[] = map.junctions().map((at) => ({ start: at - settings.silenceMinSeconds / 2, end: at + settings.silenceMinSeconds / 2 }));
  for (const silence of silences ?? []) {
    if (silence.end - silence.start < PAUSE_SECONDS) continue;
    const start = map.toCondensed(silence.start);
    const end = map.toCondensed(silence.end);
    if (end - start >= PAUSE_SECONDS) pauses.push({ start, end });
  }
  const chunks = planChunks(map.durationSeconds, pauses, {
    maxSeconds,
    overlapSeconds: settings.overlapSeconds,
    gridSeconds: grid,
  });
  return { speech: map.pieces.map(({ start, end }) => ({ start, end })), chunks, whole: map.isWhole && chunks.length === 1 };
}

/** False when the track goes out whole anyway, so its silences need not be read or measured. */
export function needsSilences(track: Pick<NormalizedTrack, 'durationSeconds' | 'bytes'>, settings: PlanSettings): boolean {
  if (settings.silenceCut) return true;
  const { maxBytes, maxSeconds } = settings.limits;
  return track.bytes > maxBytes || (maxSeconds !== undefined && track.durationSeconds > maxSeconds - DURATION_MARGIN_SECONDS);
}

/** The file name of request `n` of a channel's plan (what the provider sees as the upload's name). */
export function requestFileName(channel: number, n: number, plan: Pick<TrackPlan, 'whole'>): string {
  return plan.whole ? `ch${channel}.flac` : `ch${channel}.c${n}.flac`;
}
