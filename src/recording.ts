import type { CallInsights } from './insights/call-insights.ts';
import type { TalkMetrics } from './insights/talk-metrics.ts';

/** Where a recording was found. */
export type SourceKind = 'sftp' | 'inbox';

/**
 * A complete file a source found. The idempotency key of a file is
 * (source, path, size, mtimeMs): a known key is never downloaded or hashed again.
 */
export interface FoundFile {
  source: SourceKind;
  /** Absolute path on the source (remote path for SFTP, local path for the inbox). */
  path: string;
  /** Path relative to the source root, with `/` separators (used for archive layouts). */
  relativePath: string;
  fileName: string;
  size: number;
  /** Modification time in milliseconds (SFTP: whole seconds × 1000). */
  mtimeMs: number;
}

/** Ledger states of a recording. */
export type RecordingState = 'pending' | 'processing' | 'done' | 'failed' | 'duplicate' | 'skipped';

/** A found file after the ledger claimed it for this process. */
export interface ClaimedFile extends FoundFile {
  /** Ledger row number: stable handle of this source file. */
  seq: number;
  /** Attempts already made before this claim (crash loops count). */
  attempts: number;
}

/** Stage names, in flow order; used in checkpoints, failures and logs. */
export type StageName =
  | 'fetch'
  | 'probe'
  | 'normalize'
  | 'transcribe'
  | 'enrich'
  | 'redact'
  | 'insights'
  | 'publish'
  | 'archive'
  | 'complete';

/** What ffprobe (or our own header reader) learned about a file. */
export interface AudioInfo {
  durationSeconds: number;
  channels: number;
  sampleRate: number;
  /** Codec name as ffmpeg calls it, e.g. `pcm_s16le`, `gsm_ms`, `pcm_mulaw`, `mp3`. */
  codec: string;
}

/** One normalized, API-ready audio file (one channel of the recording). */
export interface NormalizedTrack {
  /** 0 for mono or the left channel, 1 for the right channel. */
  channel: number;
  path: string;
  durationSeconds: number;
  sampleRate: number;
  bytes: number;
  /** ffmpeg `silencedetect` results for this track, written by the normalize run when asked. */
  silencesPath?: string;
  /** Loudness per short window (astats RMS), written by the normalize run when asked. */
  levelsPath?: string;
}

export type Speaker = 'agent' | 'caller';

export interface Segment {
  /** Seconds from the start of the recording. */
  start: number;
  end: number;
  text: string;
  speaker?: Speaker;
  /**
   * The diarizing model's own label ("A", "B", or a known speaker name) when no agent/caller
   * side is known; labels are per request, so a long call's chunks may reuse letters.
   */
  speakerLabel?: string;
}

/** Five9 call metadata (the `call` object of the transcript file); absent fields are omitted. */
export interface CallMetadata {
  callTime?: string;
  caller?: string;
  agent?: string;
  campaign?: string;
  interactionId?: string;
  legId?: string;
  leg?: 'agent' | 'ivr';
  ivrModule?: string;
  nameShape?: string;
}

/** The transcript document written to `transcripts/<id>.json` and handed to every publisher. */
export interface TranscriptDocument {
  id: string;
  sha256: string;
  source: SourceKind;
  sourcePath: string;
  fileName: string;
  /** ISO 8601 time the file was first seen. */
  receivedAt: string;
  audio: AudioInfo;
  call: CallMetadata;
  model: string;
  language?: string;
  text: string;
  segments: Segment[];
  /** Counts of masked items per kind, e.g. `{ "card number": 1 }`. */
  redactions: Record<string, number>;
  /** Why an operator should look at this recording (e.g. a file name no Five9 pattern matches). */
  needsAttention?: string;
  /** How long each side talked, measured from the audio (absent when nothing was measured). */
  talk?: TalkMetrics;
  /** What the chat model made of the call (INSIGHTS_MODEL set and the model answered). */
  insights?: CallInsights;
  /** Why insights are missing although INSIGHTS_MODEL is set. */
  insightsError?: string;
}

/** The first 16 hex digits of the audio's SHA-256: the recording id. */
export function recordingIdOf(sha256: string): string {
  return sha256.slice(0, 16);
}
