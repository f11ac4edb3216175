import type { Logger } from 'pino';
import type { Span } from '../audio/span.ts';
import { SpeechMap } from '../audio/speech-map.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { NormalizedTrack, Segment } from '../recording.ts';
import type { Redact } from '../redact/redaction.ts';
import { joinChunks } from './join-chunks.ts';
import type { TrackTranscript } from './merge-tracks.ts';
import type { TrackPlan } from './track-plan.ts';
import { chunkFiles, cutMissing, prepareTracks, type PreparationSettings } from './track-preparation.ts';
import type { Transcriber } from './transcriber.ts';

/** Transcription settings of one track (from TRANSCRIBE_*, SILENCE_*, CHUNK_*). */
export interface TrackSettings extends PreparationSettings {
  language?: string;
  /** TRANSCRIBE_PROMPT; each later request also gets the tail of the previous one's text. */
  prompt?: string;
}

export interface TrackTranscriberDeps {
  transcriber: Transcriber;
  /** Masks card numbers and the like; applied to each request's text before its checkpoint. */
  redact: Redact;
  checkpoints: ReadonlyMap<string, string>;
  save: (name: string, value: string) => Promise<void>;
  metrics?: Pick<Metrics, 'transcriptionDuration' | 'audioSecondsTranscribed'>;
  log?: Logger;
}

/** A track's transcript, already redacted, as the `transcript:<channel>` checkpoint holds it. */
export interface RedactedTrack extends TrackTranscript {
  redactions: Record<string, number>;
  /**
   * Where masked items were spoken, on the track's own clock (silence cuts and chunk offsets
   * undone), unpadded: what the audio redactor mutes. Absent in checkpoints older than it.
   */
  maskedSpans?: Span[];
}

/** One request's redacted answer, as the `chunk:<channel>:<n>` checkpoint holds it. */
interface ChunkResult {
  text: string;
  language?: string;
  segments: Segment[];
  billedSeconds: number;
  counts: Record<string, number>;
  /** Where masked items were spoken, seconds from the request's own start. */
  maskedSpans?: Span[];
}

/** Characters of the previous request's text passed on as context (whisper reads ~224 tokens). */
const PROMPT_TAIL_CHARS = 200;

/**
 * Transcribes one normalized track: cuts long silences out, splits what is left into requests
 * within the model's limits, sends them in order (each with the previous one's text tail as
 * context), and checkpoints each answer — redacted — as it arrives, so a crash resumes at the
 * first missing request. The answers are joined without the words their overlaps share, put
 * back on the track's own clock, and redacted again as a whole (a number spoken across a seam).
 * `plan` comes from {@link prepareTracks} (planned here when absent). A short call that fits
 * one request and has no long silence costs no extra ffmpeg run.
 */
export async function transcribeTrack(
  track: NormalizedTrack,
  settings: TrackSettings,
  deps: TrackTranscriberDeps,
  signal: AbortSignal,
  plan?: TrackPlan,
): Promise<RedactedTrack> {
  const channel = track.channel;
  plan ??= (await prepareTracks([track], settings, deps, signal))[0]!;
  const files = chunkFiles(track, plan);
  const results: ChunkResult[] = [];
  let cutChecked = plan.whole;
  for (const [n, chunk] of plan.chunks.entries()) {
    const name = `chunk:${channel}:${n}`;
    const saved = deps.checkpoints.get(name);
    if (saved) {
      results.push(JSON.parse(saved) as ChunkResult);
      continue;
    }
    if (!cutChecked) {
      // a resumed call: its work folder may have been cleared since the plan was made
      await cutMissing([[track, plan]], deps.checkpoints, signal);
      cutChecked = true;
    }
    const prompt = promptFor(settings.prompt, results.at(-1)?.text);
    const began = performance.now();
    const result = await transcribeChunk(files[n] ?? track.path, chunk.end - chunk.start, prompt, settings, deps, signal);
    // a long call takes minutes: show that it moves (the log is the recording's child: file, seq, id)
    if (plan.chunks.length > 1) {
      const seconds = Math.round((performance.now() - began) / 100) / 10;
      deps.log?.info({ channel, chunk: n + 1, chunks: plan.chunks.length, audioSeconds: Math.round(chunk.end - chunk.start), seconds }, `chunk ${n + 1}/${plan.chunks.length} transcribed in ${seconds} s`);
    }
    // only multi-request tracks need resuming mid-way; one request goes straight to transcript:<channel>
    if (plan.chunks.length > 1) await deps.save(name, JSON.stringify(result));
    results.push(result);
  }

  const map = new SpeechMap(plan.speech, track.durationSeconds);
  const joined = joinChunks(
    results.map((result, n) => {
      const span = plan.chunks[n] ?? { start: 0, end: 0 };
      return { offset: span.start, durationSeconds: span.end - span.start, segments: result.segments, timed: isTimed(result.segments, span) };
    }),
  );
  const onTrack = monotonic(joined.map((s) => ({ ...s, start: map.toOriginal(s.start, 'start'), end: map.toOriginal(s.end, 'end') })));
  // once more over the joined text, for what was spoken across a seam; one request was redacted whole
  const redacted = results.length > 1 ? deps.redact(onTrack) : { segments: onTrack, counts: {}, spans: [] };
  // request time → condensed time (the request's offset) → the track's clock (silences put back);
  // a span across a cut silence keeps the silence in between: muting it costs nothing
  const maskedSpans = results.flatMap((result, n) => {
    const offset = plan.chunks[n]?.start ?? 0;
    return (result.maskedSpans ?? []).map((span) => ({
      start: map.toOriginal(offset + span.start, 'start'),
      end: map.toOriginal(offset + span.end, 'end'),
    }));
  });
  const segments = redacted.segments.filter((segment) => segment.text.trim() !== '');
  const tags = new Set([...results.flatMap((r) => Object.keys(r.counts)), ...Object.keys(redacted.counts)]);
  return {
    channel,
    result: {
      model: deps.transcriber.model,
      text: segments.map((s) => s.text.trim()).join(' '),
      language: results.find((r) => r.language)?.language ?? settings.language,
      segments,
      billedSeconds: results.reduce((sum, r) => sum + r.billedSeconds, 0),
    },
    // counted in the joined text: a tag in an overlap was found by both neighbours, kept once
    redactions: results.length === 1 ? (results[0]?.counts ?? {}) : countTags(segments, tags),
    maskedSpans: [...maskedSpans, ...redacted.spans].sort((a, b) => a.start - b.start),
  };
}

async function transcribeChunk(
  filePath: string,
  durationSeconds: number,
  prompt: string | undefined,
  settings: TrackSettings,
  deps: TrackTranscriberDeps,
  signal: AbortSignal,
): Promise<ChunkResult> {
  const stop = deps.metrics?.transcriptionDuration.startTimer();
  let result;
  try {
    result = await deps.transcriber.transcribe({ filePath, durationSeconds, language: settings.language, prompt, signal });
  } finally {
    stop?.();
  }
  deps.metrics?.audioSecondsTranscribed.inc(result.billedSeconds);
  // redacted before the checkpoint: the unredacted text is never persisted anywhere, and the
  // words (unredacted) are used for the spans' times and dropped here
  const redacted = deps.redact(result.segments, result.words);
  return {
    text: redacted.segments.map((s) => s.text.trim()).filter((t) => t !== '').join(' '),
    ...(result.language === undefined ? {} : { language: result.language }),
    segments: redacted.segments,
    billedSeconds: result.billedSeconds,
    counts: redacted.counts,
    maskedSpans: redacted.spans,
  };
}

/** TRANSCRIBE_PROMPT, then the end of what the previous request heard (from a word start). */
function promptFor(base: string | undefined, previous: string | undefined): string | undefined {
  if (!previous) return base;
  const tail = previous.length <= PROMPT_TAIL_CHARS ? previous : previous.slice(previous.indexOf(' ', previous.length - PROMPT_TAIL_CHARS) + 1);
  return base ? `${base} ${tail}` : tail;
}


/** A model without timestamps answers with one segment spanning the whole request. */
function isTimed(segments: readonly Segment[], span: Span): boolean {
  const [only] = segments;
  return !(segments.length === 1 && only !== undefined && only.start === 0 && Math.abs(only.end - (span.end - span.start)) < 0.05);
}

/** Starts never go back, and a segment ends before the next begins (one speaker per track). */
function monotonic(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const segment of segments) {
    const previous = out.at(-1);
    const start = Math.max(segment.start, previous?.start ?? 0);
    if (previous && previous.end > start) previous.end = Math.max(previous.start, start);
    out.push({ ...segment, start, end: Math.max(start, segment.end) });
  }
  return out;
}

function countTags(segments: readonly Segment[], tags: ReadonlySet<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const tag of tags) {
    const n = segments.reduce((sum, s) => sum + s.text.split(`[${tag}]`).length - 1, 0);
    if (n > 0) counts[tag] = n;
  }
  return counts;
}

