import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { normalizeAudio } from '../audio/audio-normalizer.ts';
import { probeAudio } from '../audio/audio-probe.ts';
import type { AudioRedactMode } from '../audio/audio-redactor.ts';
import { playbackAudio, type PlaybackAudio } from '../audio/playback-audio.ts';
import { callLevels, LEVEL_WINDOW_SECONDS } from '../audio/call-levels.ts';
import { AbortedError, PermanentError, StageError, isAborted } from '../errors.ts';
import { sha256File } from '../files/sha256-file.ts';
import type { Enrichment } from '../five9/enrichment.ts';
import type { Ledger, LedgerRow } from '../ledger/ledger.ts';
import { retryLedgerWrite, type LedgerWriteRetry } from '../ledger/ledger-write-retry.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Publisher } from '../publish/publisher.ts';
import {
  recordingIdOf,
  type AudioInfo,
  type ClaimedFile,
  type NormalizedTrack,
  type Segment,
  type SourceKind,
  type StageName,
  type TranscriptDocument,
} from '../recording.ts';
import type { Redact } from '../redact/redaction.ts';
import { mergeTracks } from '../transcribe/merge-tracks.ts';
import type { RequestLimits } from '../transcribe/request-limits.ts';
import { PAUSE_SECONDS, type TrackPlan } from '../transcribe/track-plan.ts';
import { prepareTracks } from '../transcribe/track-preparation.ts';
import { transcribeTrack, type RedactedTrack } from '../transcribe/track-transcriber.ts';
import type { Transcriber } from '../transcribe/transcriber.ts';
import { archiveRecording, isInside } from './archive-recording.ts';
import { redactAudioOnce, redactDuplicate, redactedLocalCopy, trackSpans } from './redact-audio-once.ts';
import { locateAudio } from './recorded-move.ts';
import type { Outcome } from './outcome.ts';
import { addInsights, type InsightsSettings } from '../insights/add-insights.ts';
import { measureTalk } from '../insights/measure-talk.ts';
import type { SourceHandler } from './source-handler.ts';

export interface ProcessDeps {
  ledger: Ledger;
  sources: Partial<Record<SourceKind, SourceHandler>>;
  transcriber: Transcriber;
  publishers: Publisher[];
  paths: { workDir: string; processedDir: string; failedDir: string; transcriptsDir: string };
  transcription: {
    language?: string;
    prompt?: string;
    agentChannel: 'none' | 'left' | 'right';
    /** Cut silences of at least `silenceMinSeconds` (quieter than `silenceNoiseDb` dBFS) before sending. */
    silenceCut: boolean;
    silenceMinSeconds: number;
    silenceNoiseDb: number;
    /** Per request, for the configured model (see requestLimitsFor). */
    limits: RequestLimits;
  };
  enrich: (file: ClaimedFile) => Enrichment;
  /** Masks card numbers and the like before anything is checkpointed, written or sent. */
  redact: Redact;
  /** REDACT_AUDIO: what happens to the redacted spans in the audio kept; default `mute`. */
  redactAudio?: AudioRedactMode;
  metrics: Metrics;
  log: Logger;
  /** How checkpoint writes wait out a busy ledger; default CHECKPOINT_RETRY. */
  ledgerRetry?: LedgerWriteRetry;
  /** INSIGHTS_MODEL set: a chat model's insights join the transcript before it is published. */
  insights?: InsightsSettings;
}

interface AudioCheckpoint {
  info: AudioInfo;
  tracks: NormalizedTrack[];
}

type TrackCheckpoint = RedactedTrack;
type TrackLevels = Awaited<ReturnType<typeof callLevels>>;

/**
 * One recording on its way through the stages: what each stage found, for the next. Created by
 * {@link startRun}; the stage functions below fill it in, each resuming from the ledger's
 * checkpoints, so a stage retried after a transient error never pays OpenAI twice nor publishes twice.
 */
export interface RecordingRun {
  readonly file: ClaimedFile;
  readonly source: SourceHandler;
  log: Logger;
  enrichment?: Enrichment;
  row?: LedgerRow;
  localPath?: string;
  sha256?: string;
  id?: string;
  checkpoints?: Map<string, string>;
  workDir?: string;
  audio?: AudioCheckpoint;
  /** Request files planned and cut by `prepare`, one per track still to transcribe. */
  plans?: Map<number, TrackPlan>;
  tracks?: TrackCheckpoint[];
  levels?: TrackLevels;
}

/** A stage of one recording: an outcome ends the recording early (duplicate, skipped, done). */
export type RecordingStage = (run: RecordingRun, deps: ProcessDeps, signal: AbortSignal) => Promise<Outcome | undefined>;

/** The stages in order, with what bounds each: see streams/stage-operator.ts. */
export const RECORDING_STAGES = ['fetch', 'prepare', 'transcribe', 'finish'] as const;
export type RecordingStageName = (typeof RECORDING_STAGES)[number];

/** A new run of `file`; throws a StageError when its source is not configured. */
export function startRun(file: ClaimedFile, deps: ProcessDeps): RecordingRun {
  const source = deps.sources[file.source];
  if (!source) throw new StageError('fetch', new PermanentError(`source ${file.source} is not configured`));
  return { file, source, log: deps.log.child({ seq: file.seq, file: file.relativePath }) };
}

/**
 * Runs every stage for one recording in order, in one call (a caller without the stream
 * topology). Throws a StageError (classified inner error) on failure; the caller decides retry.
 */
export async function processRecording(file: ClaimedFile, deps: ProcessDeps, signal: AbortSignal): Promise<Outcome> {
  const run = startRun(file, deps);
  for (const stage of [fetchStage, prepareStage, transcribeStage, finishStage]) {
    const outcome = await stage(run, deps, signal);
    if (outcome) return outcome;
  }
  throw new StageError('complete', new PermanentError('bug: the last stage ended without an outcome'));
}

/** The step runner of one stage call: abort check, lease check, duration metric, StageError. */
function stepRunner(run: RecordingRun, deps: ProcessDeps, signal: AbortSignal): Run {
  return async <T>(stage: StageName, work: () => Promise<T>): Promise<T> => {
    if (signal.aborted) throw new StageError(stage, new AbortedError());
    // a shared ledger: stop here if another instance took this recording over while we waited
    await deps.ledger.confirmLease?.(run.file.seq);
    const stop = deps.metrics.stageDuration.startTimer({ stage });
    try {
      return await work();
    } catch (error) {
      throw new StageError(stage, isAborted(error) || signal.aborted ? new AbortedError(undefined, { cause: error }) : error);
    } finally {
      stop();
    }
  };
}

function saver(run: RecordingRun, deps: ProcessDeps): (name: string, value: string) => Promise<void> {
  const checkpoints = need(run.checkpoints, 'checkpoints');
  const id = need(run.id, 'id');
  return async (name, value) => {
    checkpoints.set(name, value);
    // a checkpoint may hold a paid transcript: wait out a busy ledger rather than lose it
    await retryLedgerWrite(() => deps.ledger.saveCheckpoint(id, name, value), deps.ledgerRetry);
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new StageError('start', new PermanentError(`bug: ${what} missing: a stage ran before the one that sets it`));
  return value;
}

/** Enrich, fetch the audio, hash it, bind its identity; a duplicate or a skipped call ends here. */
export async function fetchStage(r: RecordingRun, deps: ProcessDeps, signal: AbortSignal): Promise<Outcome | undefined> {
  const { ledger } = deps;
  const { file, source } = r;
  const run = stepRunner(r, deps, signal);
  const enrichment = await run('enrich', async () => deps.enrich(file));
  r.enrichment = enrichment;
  await ledger.setAttention(file.seq, enrichment.attention);

  const row = await ledger.get(file.seq);
  r.row = row;
  // past the audio redaction the local copy is the redacted one: it keeps the recording's identity
  const resumed = await run('fetch', () => redactedLocalCopy(ledger, row, signal));
  // a move cut short by a crash or a failed ledger write: the audio is at one end of it
  const known = resumed ? undefined : await locateAudio(ledger, file, row?.localPath);
  let localPath = resumed?.localPath ?? (await run('fetch', () => source.fetch(file, known, signal)));
  await ledger.setLocalPath(file.seq, localPath);
  const sha256 = resumed?.sha256 ?? (await run('fetch', () => sha256File(localPath, signal)));
  const id = recordingIdOf(sha256);
  r.log = r.log.child({ recordingId: id });
  const log = r.log;

  const identity = await ledger.setIdentity(file.seq, sha256, id);
  if (identity.duplicateOf) {
    const gone = await abandonIfSuperseded(file, id, localPath, source, run, 'archive', deps);
    if (gone) return gone;
    const dupDir = path.join(deps.paths.workDir, `${id}-duplicate-${file.seq}`);
    const dupAt = localPath;
    localPath = await run('redact', () => redactDuplicate({ seq: file.seq, id, localPath: dupAt, workDir: dupDir, ledger, signal, log }));
    const named = { ...file, fileName: file.fileName.replace(/\.[^.]*$/, '') + path.extname(localPath) };
    const archived = localPath;
    await run('archive', () => archiveRecording(archived, named, id, deps.paths.processedDir, ledger));
    await rm(dupDir, { recursive: true, force: true });
    await run('complete', () => source.complete(file, signal));
    await ledger.finish(file.seq, 'duplicate', { duplicateOf: identity.duplicateOf });
    log.info({ duplicateOf: identity.duplicateOf }, 'duplicate audio, already handled');
    return { kind: 'duplicate', file, id, duplicateOf: identity.duplicateOf };
  }

  Object.assign(r, { localPath, sha256, id, checkpoints: await ledger.checkpoints(id) });
  if (enrichment.skip) {
    await finishAtSource(file, id, localPath, source, r.checkpoints!, saver(r, deps), run, deps, signal);
    await ledger.finish(file.seq, 'skipped');
    log.info({ reason: enrichment.skip }, 'skipped');
    return { kind: 'skipped', file, id, reason: enrichment.skip };
  }
  return undefined;
}

/** The CPU part: probe, normalize, and plan and cut the requests of every track still to transcribe. */
export async function prepareStage(r: RecordingRun, deps: ProcessDeps, signal: AbortSignal): Promise<Outcome | undefined> {
  const run = stepRunner(r, deps, signal);
  const checkpoints = need(r.checkpoints, 'checkpoints');
  const save = saver(r, deps);
  const settings = deps.transcription;
  r.workDir = path.join(deps.paths.workDir, need(r.id, 'id'));
  const audio = await prepareAudio(need(r.localPath, 'localPath'), r.workDir, checkpoints, save, run, signal, settings);
  r.audio = audio;
  const trackDeps = { transcriber: deps.transcriber, redact: deps.redact, checkpoints, save, metrics: deps.metrics, log: r.log };
  const pending = audio.tracks.filter((track) => !checkpoints.has(`transcript:${track.channel}`));
  // every channel's request files in one ffmpeg run; nothing at all for a short call with no long silence
  const plans = pending.length > 0 ? await run('transcribe', () => prepareTracks(pending, settings, trackDeps, signal)) : [];
  r.plans = new Map(pending.map((track, i) => [track.channel, plans[i]!]));
  return undefined;
}

/** The API waits: each track not yet checkpointed is transcribed (redacted per request inside). */
export async function transcribeStage(r: RecordingRun, deps: ProcessDeps, signal: AbortSignal): Promise<Outcome | undefined> {
  const run = stepRunner(r, deps, signal);
  const checkpoints = need(r.checkpoints, 'checkpoints');
  const audio = need(r.audio, 'audio');
  const save = saver(r, deps);
  const settings = deps.transcription;
  const trackDeps = { transcriber: deps.transcriber, redact: deps.redact, checkpoints, save, metrics: deps.metrics, log: r.log };
  const tracks: TrackCheckpoint[] = [];
  for (const track of audio.tracks) {
    const name = `transcript:${track.channel}`;
    const saved = checkpoints.get(name);
    if (saved) {
      tracks.push(JSON.parse(saved) as TrackCheckpoint);
      continue;
    }
    const plan = r.plans?.get(track.channel);
    // redacted per request inside, before each checkpoint: the unredacted text is never persisted
    const checkpoint = await run('transcribe', () => transcribeTrack(track, settings, trackDeps, signal, plan));
    await save(name, JSON.stringify(checkpoint));
    tracks.push(checkpoint);
  }
  r.tracks = tracks;
  const speakersByLoudness = settings.agentChannel !== 'none';
  r.levels = speakersByLoudness && audio.tracks.length === 2 ? await run('transcribe', () => callLevels(audio.tracks, signal)) : undefined;
  return undefined;
}

/** Merge, redact the audio kept, write the document, publish, archive, complete at the source. */
export async function finishStage(r: RecordingRun, deps: ProcessDeps, signal: AbortSignal): Promise<Outcome> {
  const { ledger } = deps;
  const { file, source, log } = r;
  const run = stepRunner(r, deps, signal);
  const checkpoints = need(r.checkpoints, 'checkpoints');
  const save = saver(r, deps);
  const id = need(r.id, 'id');
  const audio = need(r.audio, 'audio');
  const tracks = need(r.tracks, 'tracks');
  const workDir = need(r.workDir, 'workDir');
  const enrichment = need(r.enrichment, 'enrichment');
  const settings = deps.transcription;
  const merged = mergeTracks(tracks, settings.agentChannel, { levels: r.levels, activityDb: settings.silenceNoiseDb });
  // both channels at once (the agent may read the number back): what it finds mutes whole segments
  const safety = deps.redact(merged.segments);
  const segments = safety.segments.filter((s) => s.text.trim() !== '');
  const original = need(r.localPath, 'localPath');
  const localPath = await run('redact', () =>
    redactAudioOnce({
      seq: file.seq,
      localPath: original,
      info: audio.info,
      spans: [...trackSpans(tracks), ...safety.spans],
      mode: deps.redactAudio ?? 'mute',
      workDir,
      failedDir: deps.paths.failedDir,
      checkpoints,
      save,
      ledger,
      signal,
      log,
    }),
  );
  // a retried finish starts from the redacted copy, as a restarted process would
  r.localPath = localPath;
  const doc: TranscriptDocument = {
    id,
    sha256: need(r.sha256, 'sha256'),
    source: file.source,
    sourcePath: file.path,
    fileName: file.fileName,
    receivedAt: new Date(r.row?.discoveredAt ?? Date.now()).toISOString(),
    audio: audio.info,
    call: enrichment.call,
    model: deps.transcriber.model,
    language: merged.language ?? deps.transcription.language,
    text: safety.spans.length > 0 ? segments.map((s) => s.text.trim()).join(' ') : merged.text,
    segments,
    redactions: sumCounts([...tracks.map((t) => t.redactions), safety.counts]),
    ...(enrichment.attention ? { needsAttention: enrichment.attention } : {}),
  };
  // talk metrics from the audio, then (INSIGHTS_MODEL) the model's insights: both before publishing
  const talk = await run('transcribe', () => measureTalk(audio, { agentChannel: settings.agentChannel, activityDb: settings.silenceNoiseDb, levels: r.levels }));
  if (talk) doc.talk = talk;
  const insights = deps.insights;
  if (insights) Object.assign(doc, await run('insights', () => addInsights(doc, { ...insights, checkpoints, save, metrics: deps.metrics, log, signal })));

  const changed = await abandonIfSuperseded(file, id, localPath, source, run, 'publish', deps);
  if (changed) return changed;
  let playback: PlaybackAudio | undefined;
  for (const publisher of deps.publishers) {
    const name = `publish:${publisher.name}`;
    const previous = checkpoints.get(name);
    if (previous && !previous.startsWith('partial:')) continue;
    if (publisher.wantsAudio) playback ??= await run('publish', () => playbackAudio(localPath, workDir, file.fileName, signal));
    const reference = await run('publish', () =>
      publisher.publish(doc, {
        checkpoint: previous?.slice('partial:'.length),
        saveCheckpoint: (value) => save(name, `partial:${value}`),
        signal,
        ...(publisher.wantsAudio && playback ? { audio: playback } : {}),
      }),
    );
    await save(name, reference);
  }

  const gone = await abandonIfSuperseded(file, id, localPath, source, run, 'archive', deps);
  if (gone) return gone;
  await finishAtSource(file, id, localPath, source, checkpoints, save, run, deps, signal);
  await ledger.finish(file.seq, 'done');
  await rm(workDir, { recursive: true, force: true });
  log.info({ durationSeconds: audio.info.durationSeconds, billedSeconds: merged.billedSeconds }, 'recording done');
  const usage = doc.insights?.usage ? { insights: { model: doc.insights.model, ...doc.insights.usage } } : {};
  return { kind: 'done', file, id, audioSeconds: audio.info.durationSeconds, billedSeconds: merged.billedSeconds, ...usage };
}

type Run = <T>(stage: StageName, work: () => Promise<T>) => Promise<T>;

/** Archive the local copy, then complete at the source: in that order, each checkpointed. */
async function finishAtSource(
  file: ClaimedFile,
  id: string,
  localPath: string,
  source: SourceHandler,
  checkpoints: Map<string, string>,
  save: (name: string, value: string) => Promise<void>,
  run: Run,
  deps: ProcessDeps,
  signal: AbortSignal,
): Promise<void> {
  if (!checkpoints.has(`archive:${file.seq}`)) {
    // a redacted copy written as FLAC (no encoder for the original codec) is named so
    const named = { ...file, fileName: file.fileName.replace(/\.[^.]*$/, '') + path.extname(localPath) };
    const archived = await run('archive', () => archiveRecording(localPath, named, id, deps.paths.processedDir, deps.ledger));
    // a retried recording came from failed/: its old error report no longer holds
    if (isInside(deps.paths.failedDir, localPath)) await rm(`${localPath}.error.json`, { force: true });
    await save(`archive:${file.seq}`, archived);
  }
  if (!checkpoints.has(`complete:${file.seq}`)) {
    const done = await run('complete', () => source.complete(file, signal));
    await save(`complete:${file.seq}`, done);
  }
}

/**
 * Ends this attempt as `skipped` (the reason kept as the row's attention note) when the source says
 * the file changed since it was claimed (a writer that paused, then went on): the new content is
 * a new ledger key, found and processed again, so this half is neither archived nor completed.
 */
async function abandonIfSuperseded(
  file: ClaimedFile,
  id: string,
  localPath: string,
  source: SourceHandler,
  run: Run,
  stage: StageName,
  deps: ProcessDeps,
): Promise<Outcome | undefined> {
  const reason = await run(stage, async () => source.superseded?.(file, localPath));
  if (reason === undefined) return undefined;
  await deps.ledger.setAttention(file.seq, `superseded: ${reason}`);
  await deps.ledger.finish(file.seq, 'skipped');
  deps.log.warn({ seq: file.seq, recordingId: id, reason }, 'attempt abandoned: the file changed');
  return { kind: 'skipped', file, id, reason };
}

/** Probe and normalize once; a checkpoint whose files are still on disk is reused. */
async function prepareAudio(
  localPath: string,
  workDir: string,
  checkpoints: Map<string, string>,
  save: (name: string, value: string) => Promise<void>,
  run: Run,
  signal: AbortSignal,
  settings: ProcessDeps['transcription'],
): Promise<AudioCheckpoint> {
  const saved = checkpoints.get('audio');
  if (saved) {
    const audio = JSON.parse(saved) as AudioCheckpoint;
    const files = audio.tracks.flatMap((t) => [t.path, t.silencesPath, t.levelsPath]).filter((f) => f !== undefined);
    if (await allExist(files)) return audio;
  }
  const info = await run('probe', () => probeAudio(localPath, { signal }));
  // measured in the normalize run itself: silences (for cutting and for where to split a long
  // call) and, when a stereo call's speakers are told apart, each channel's loudness
  const analysis = {
    silence: { noiseDb: settings.silenceNoiseDb, minSeconds: Math.min(PAUSE_SECONDS, settings.silenceMinSeconds) },
    ...(info.channels === 2 && settings.agentChannel !== 'none' ? { levels: { windowSeconds: LEVEL_WINDOW_SECONDS } } : {}),
  };
  const tracks = await run('normalize', () => normalizeAudio(localPath, info, workDir, { signal, analysis }));
  const audio = { info, tracks };
  await save('audio', JSON.stringify(audio));
  return audio;
}

async function allExist(files: string[]): Promise<boolean> {
  const found = await Promise.all(files.map((f) => stat(f).then(() => true, () => false)));
  return found.every(Boolean);
}

function sumCounts(counts: Array<Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = {};
  for (const c of counts) for (const [k, v] of Object.entries(c)) total[k] = (total[k] ?? 0) + v;
  return total;
}
