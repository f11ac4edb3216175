import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { normalizeAudio } from '../audio/audio-normalizer.ts';
import { probeAudio } from '../audio/audio-probe.ts';
import { AbortedError, PermanentError, StageError, isAborted } from '../errors.ts';
import { sha256File } from '../files/sha256-file.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Publisher } from '../publish/publisher.ts';
import {
  recordingIdOf,
  type AudioInfo,
  type CallMetadata,
  type ClaimedFile,
  type NormalizedTrack,
  type Segment,
  type SourceKind,
  type StageName,
  type TranscriptDocument,
} from '../recording.ts';
import { mergeTracks, type TrackTranscript } from '../transcribe/merge-tracks.ts';
import type { Transcriber } from '../transcribe/transcriber.ts';
import { archiveRecording, isInside } from './archive-recording.ts';
import type { Outcome } from './outcome.ts';
import type { SourceHandler } from './source-handler.ts';

/** What the file name says about the call, and whether to transcribe it at all. */
export interface Enrichment {
  call: CallMetadata;
  /** Set when an operator should look (e.g. a name that matches no known shape). */
  attention?: string;
  /** Set when the recording must not be transcribed (e.g. FIVE9_IVR_LEGS=skip). */
  skip?: string;
}

export interface Redaction {
  segments: Segment[];
  counts: Record<string, number>;
}

export interface ProcessDeps {
  ledger: Ledger;
  sources: Partial<Record<SourceKind, SourceHandler>>;
  transcriber: Transcriber;
  publishers: Publisher[];
  paths: { workDir: string; processedDir: string; failedDir: string; transcriptsDir: string };
  transcription: { language?: string; prompt?: string; agentChannel: 'none' | 'left' | 'right' };
  enrich: (file: ClaimedFile) => Enrichment;
  /** Masks card numbers and the like before anything is checkpointed, written or sent. */
  redact: (segments: Segment[]) => Redaction;
  metrics: Metrics;
  log: Logger;
}

interface AudioCheckpoint {
  info: AudioInfo;
  tracks: NormalizedTrack[];
}

interface TrackCheckpoint extends TrackTranscript {
  redactions: Record<string, number>;
}

/**
 * Runs every stage for one recording, skipping what the ledger's checkpoints say is done, so
 * calling it again after a crash or a transient error never pays OpenAI twice nor publishes twice.
 * Throws a StageError (classified inner error) on failure; the caller decides retry or failure.
 */
export async function processRecording(file: ClaimedFile, deps: ProcessDeps, signal: AbortSignal): Promise<Outcome> {
  const { ledger, metrics } = deps;
  let log = deps.log.child({ seq: file.seq, file: file.relativePath });
  const source = deps.sources[file.source];
  if (!source) throw new StageError('fetch', new PermanentError(`source ${file.source} is not configured`));

  const run = async <T>(stage: StageName, work: () => Promise<T>): Promise<T> => {
    if (signal.aborted) throw new StageError(stage, new AbortedError());
    const stop = metrics.stageDuration.startTimer({ stage });
    try {
      return await work();
    } catch (error) {
      throw new StageError(stage, isAborted(error) || signal.aborted ? new AbortedError(undefined, { cause: error }) : error);
    } finally {
      stop();
    }
  };

  const enrichment = await run('enrich', async () => deps.enrich(file));
  await ledger.setAttention(file.seq, enrichment.attention);

  const row = await ledger.get(file.seq);
  const localPath = await run('fetch', () => source.fetch(file, row?.localPath, signal));
  await ledger.setLocalPath(file.seq, localPath);
  const sha256 = await run('fetch', () => sha256File(localPath, signal));
  const id = recordingIdOf(sha256);
  log = log.child({ recordingId: id });

  const identity = await ledger.setIdentity(file.seq, sha256, id);
  if (identity.duplicateOf) {
    await run('archive', () => archiveRecording(localPath, file, id, deps.paths.processedDir));
    await run('complete', () => source.complete(file, signal));
    await ledger.finish(file.seq, 'duplicate', { duplicateOf: identity.duplicateOf });
    log.info({ duplicateOf: identity.duplicateOf }, 'duplicate audio, already handled');
    return { kind: 'duplicate', file, id, duplicateOf: identity.duplicateOf };
  }

  const checkpoints = await ledger.checkpoints(id);
  const save = async (name: string, value: string) => {
    checkpoints.set(name, value);
    await ledger.saveCheckpoint(id, name, value);
  };

  if (enrichment.skip) {
    await finishAtSource(file, id, localPath, source, checkpoints, save, run, deps, signal);
    await ledger.finish(file.seq, 'skipped');
    log.info({ reason: enrichment.skip }, 'skipped');
    return { kind: 'skipped', file, id, reason: enrichment.skip };
  }

  const workDir = path.join(deps.paths.workDir, id);
  const audio = await prepareAudio(localPath, workDir, checkpoints, save, run, signal);

  const tracks: TrackCheckpoint[] = [];
  for (const track of audio.tracks) {
    const name = `transcript:${track.channel}`;
    const saved = checkpoints.get(name);
    if (saved) {
      tracks.push(JSON.parse(saved) as TrackCheckpoint);
      continue;
    }
    const result = await run('transcribe', async () => {
      const stop = metrics.transcriptionDuration.startTimer();
      try {
        return await deps.transcriber.transcribe({
          filePath: track.path,
          durationSeconds: track.durationSeconds,
          language: deps.transcription.language,
          prompt: deps.transcription.prompt,
          signal,
        });
      } finally {
        stop();
      }
    });
    metrics.audioSecondsTranscribed.inc(result.billedSeconds);
    // redact before the checkpoint: the unredacted text is never persisted anywhere
    const redacted = await run('redact', async () => deps.redact(result.segments));
    const checkpoint: TrackCheckpoint = {
      channel: track.channel,
      result: { ...result, segments: redacted.segments, text: redacted.segments.map((s) => s.text.trim()).join(' ') },
      redactions: redacted.counts,
    };
    await save(name, JSON.stringify(checkpoint));
    tracks.push(checkpoint);
  }

  const merged = mergeTracks(tracks, deps.transcription.agentChannel);
  const doc: TranscriptDocument = {
    id,
    sha256,
    source: file.source,
    sourcePath: file.path,
    fileName: file.fileName,
    receivedAt: new Date(row?.discoveredAt ?? Date.now()).toISOString(),
    audio: audio.info,
    call: enrichment.call,
    model: deps.transcriber.model,
    language: merged.language ?? deps.transcription.language,
    text: merged.text,
    segments: merged.segments,
    redactions: sumCounts(tracks.map((t) => t.redactions)),
  };

  for (const publisher of deps.publishers) {
    const name = `publish:${publisher.name}`;
    const previous = checkpoints.get(name);
    if (previous && !previous.startsWith('partial:')) continue;
    const reference = await run('publish', () =>
      publisher.publish(doc, {
        checkpoint: previous?.slice('partial:'.length),
        saveCheckpoint: (value) => save(name, `partial:${value}`),
        signal,
      }),
    );
    await save(name, reference);
  }

  await finishAtSource(file, id, localPath, source, checkpoints, save, run, deps, signal);
  await ledger.finish(file.seq, 'done');
  await rm(workDir, { recursive: true, force: true });
  log.info({ durationSeconds: audio.info.durationSeconds, billedSeconds: merged.billedSeconds }, 'recording done');
  return { kind: 'done', file, id, audioSeconds: audio.info.durationSeconds, billedSeconds: merged.billedSeconds };
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
    const archived = await run('archive', () => archiveRecording(localPath, file, id, deps.paths.processedDir));
    await deps.ledger.setLocalPath(file.seq, archived);
    // a retried recording came from failed/: its old error report no longer holds
    if (isInside(deps.paths.failedDir, localPath)) await rm(`${localPath}.error.json`, { force: true });
    await save(`archive:${file.seq}`, archived);
  }
  if (!checkpoints.has(`complete:${file.seq}`)) {
    const done = await run('complete', () => source.complete(file, signal));
    await save(`complete:${file.seq}`, done);
  }
}

/** Probe and normalize once; a checkpoint whose files are still on disk is reused. */
async function prepareAudio(
  localPath: string,
  workDir: string,
  checkpoints: Map<string, string>,
  save: (name: string, value: string) => Promise<void>,
  run: Run,
  signal: AbortSignal,
): Promise<AudioCheckpoint> {
  const saved = checkpoints.get('audio');
  if (saved) {
    const audio = JSON.parse(saved) as AudioCheckpoint;
    if (await allExist(audio.tracks.map((t) => t.path))) return audio;
  }
  const info = await run('probe', () => probeAudio(localPath, { signal }));
  const tracks = await run('normalize', () => normalizeAudio(localPath, info, workDir, { signal }));
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
