import type { Segment } from '../recording.ts';
import type { TimedWord } from '../redact/redaction.ts';

/** One request to transcribe one audio file (one channel, or one chunk of one). */
export interface TranscribeRequest {
  /** A local file the API accepts (its extension names the format). Re-opened on every call. */
  filePath: string;
  /** Known duration of the file in seconds (used when the API returns no timestamps). */
  durationSeconds: number;
  /** ISO-639-1 language hint. */
  language?: string;
  /** Vocabulary or context prompt. */
  prompt?: string;
  signal?: AbortSignal;
}

/** What came back, in the shape the pipeline needs, whatever the model. */
export interface TranscribeResult {
  model: string;
  text: string;
  /** ISO-639-1 code when known (the API gives `verbose_json` language *names*; mapped here). */
  language?: string;
  /** Segment times are seconds from the start of the submitted file. */
  segments: Segment[];
  /**
   * Word timestamps, in spoken order, when the model gives them (whisper-1): only to time what
   * redaction masks. They hold the unredacted words: never checkpoint, log or write them.
   */
  words?: TimedWord[];
  /** Audio seconds the provider bills for this request. */
  billedSeconds: number;
}

/** The port the pipeline transcribes through; adapters classify errors as Transient/Permanent. */
export interface Transcriber {
  readonly model: string;
  transcribe(request: TranscribeRequest): Promise<TranscribeResult>;
}
