import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { redactAudio, type AudioRedactMode } from '../audio/audio-redactor.ts';
import { probeAudio } from '../audio/audio-probe.ts';
import { paddedSpans } from '../audio/padded-spans.ts';
import type { Span } from '../audio/span.ts';
import { TransientError } from '../errors.ts';
import { exists } from '../files/move-file.ts';
import { sha256File } from '../files/sha256-file.ts';
import type { Ledger, LedgerRow } from '../ledger/ledger.ts';
import type { AudioInfo } from '../recording.ts';
import type { RedactedTrack } from '../transcribe/track-transcriber.ts';
import { isInside } from './archive-recording.ts';

/** The `audio-redacted` checkpoint: what was muted, and the copy that replaced the recording. */
export interface AudioRedactedCheckpoint {
  mode: AudioRedactMode;
  /** Padded, merged stretches muted on every channel, seconds from the recording's start. */
  spans: Span[];
  /** The verified redacted copy; absent when nothing needed muting (or REDACT_AUDIO=off). */
  path?: string;
  /** SHA-256 of the redacted copy: tells it apart from the original after a crash. */
  redactedSha256?: string;
  codec?: string;
}

export const AUDIO_REDACTED = 'audio-redacted';

export interface RedactAudioOnceInput {
  seq: number;
  /** The local copy now: the original, or the redacted copy when a resumed run found it. */
  localPath: string;
  info: AudioInfo;
  /** Unpadded spans of every track and of the safety pass, on the recording's clock. */
  spans: readonly Span[];
  mode: AudioRedactMode;
  workDir: string;
  failedDir: string;
  checkpoints: ReadonlyMap<string, string>;
  save: (name: string, value: string) => Promise<void>;
  ledger: Ledger;
  signal: AbortSignal;
  log: Logger;
}

/**
 * Mutes (or beeps) every redacted span in the recording once, and makes the verified redacted
 * copy *the* local copy: what is archived in `processed/` and turned into Notion's MP3. Returns
 * the local path from now on. Crash-safe in this order: the copy is written and verified, its
 * checkpoint saved, the ledger pointed at it, and only then the original deleted — a crash
 * anywhere leaves the original or the copy, never neither, and a re-run reuses the copy.
 */
export async function redactAudioOnce(input: RedactAudioOnceInput): Promise<string> {
  const { localPath, checkpoints, ledger, log } = input;
  const saved = checkpoints.get(AUDIO_REDACTED);
  if (saved) {
    const checkpoint = JSON.parse(saved) as AudioRedactedCheckpoint;
    if (checkpoint.path === undefined || checkpoint.path === localPath) return localPath;
    if (await exists(checkpoint.path)) return replaceOriginal(input, checkpoint.path);
    // the copy is gone (work/ cleared) while the original is here: make it again below
  }

  const spans = paddedSpans(input.spans, input.info.durationSeconds);
  if (input.mode === 'off' || spans.length === 0) {
    await input.save(AUDIO_REDACTED, JSON.stringify({ mode: input.mode, spans: [] } satisfies AudioRedactedCheckpoint));
    if (input.mode === 'off' && input.spans.length > 0) log.warn({ spans: input.spans.length }, 'REDACT_AUDIO=off: the archived audio keeps what the transcript masks');
    return localPath;
  }
  const redacted = await redactAudio(localPath, input.info, spans, { outputDir: input.workDir, mode: input.mode, signal: input.signal, log });
  const checkpoint: AudioRedactedCheckpoint = {
    mode: input.mode,
    spans,
    path: redacted.path,
    redactedSha256: await sha256File(redacted.path, input.signal),
    codec: redacted.codec,
  };
  await input.save(AUDIO_REDACTED, JSON.stringify(checkpoint));
  const mutedSeconds = spans.reduce((sum, s) => sum + s.end - s.start, 0);
  log.info({ spans: spans.length, mutedSeconds: Math.round(mutedSeconds * 100) / 100, mode: input.mode, codec: redacted.codec }, 'audio redacted');
  return replaceOriginal(input, redacted.path);
}

/** Points the ledger at the redacted copy, then deletes the original (and a stale failure report). */
async function replaceOriginal(input: RedactAudioOnceInput, redactedPath: string): Promise<string> {
  await input.ledger.setLocalPath(input.seq, redactedPath);
  await rm(input.localPath, { force: true });
  if (isInside(input.failedDir, input.localPath)) await rm(`${input.localPath}.error.json`, { force: true });
  return redactedPath;
}

/**
 * After a crash past the audio redaction the ledger's local copy is the redacted one, whose hash
 * is not the recording's: returns it with the original's hash, so the run keeps the recording's
 * id and checkpoints (and never transcribes again). Undefined when the local copy is not it.
 */
export async function redactedLocalCopy(
  ledger: Ledger,
  row: LedgerRow | undefined,
  signal: AbortSignal,
): Promise<{ localPath: string; sha256: string } | undefined> {
  if (!row?.id || !row.sha256 || !row.localPath) return undefined;
  const saved = (await ledger.checkpoints(row.id)).get(AUDIO_REDACTED);
  const redactedSha256 = saved ? (JSON.parse(saved) as AudioRedactedCheckpoint).redactedSha256 : undefined;
  if (!redactedSha256 || !(await exists(row.localPath))) return undefined;
  if ((await sha256File(row.localPath, signal)) !== redactedSha256) return undefined;
  return { localPath: row.localPath, sha256: row.sha256 };
}

/**
 * The spans of every track; a track checkpointed before spans were recorded mutes each segment
 * that carries a tag (the rest of an item said across two segments may then be missed).
 */
export function trackSpans(tracks: readonly RedactedTrack[]): Span[] {
  return tracks.flatMap(
    (track) =>
      track.maskedSpans ??
      track.result.segments.filter((s) => /\[(card number|security code|expiry date|ssn|phone|email)\]/.test(s.text)).map((s) => ({ start: s.start, end: s.end })),
  );
}

/**
 * A duplicate (the same audio under another name) is archived too: with the spans its original's
 * redaction muted, so no unredacted copy reaches `processed/`. While the original has not been
 * redacted yet (still in flight) this is a TransientError: the retry finds its checkpoint.
 */
export async function redactDuplicate(input: {
  seq: number;
  id: string;
  localPath: string;
  workDir: string;
  ledger: Ledger;
  signal: AbortSignal;
  log: Logger;
}): Promise<string> {
  const saved = (await input.ledger.checkpoints(input.id)).get(AUDIO_REDACTED);
  if (!saved) throw new TransientError('the same audio is still being processed: its audio redaction is not done yet', { system: 'pipeline' });
  const checkpoint = JSON.parse(saved) as AudioRedactedCheckpoint;
  if (checkpoint.mode === 'off' || checkpoint.spans.length === 0) return input.localPath;
  const info = await probeAudio(input.localPath, { signal: input.signal });
  const redacted = await redactAudio(input.localPath, info, checkpoint.spans, {
    outputDir: input.workDir,
    mode: checkpoint.mode,
    signal: input.signal,
    log: input.log,
  });
  await input.ledger.setLocalPath(input.seq, redacted.path);
  await rm(input.localPath, { force: true });
  return redacted.path;
}
