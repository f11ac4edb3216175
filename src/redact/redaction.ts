import type { Span } from '../audio/span.ts';
import type { Segment } from '../recording.ts';

/** A word as whisper-1 times it (`timestamp_granularities: ['word']`); seconds from the request's start. */
export interface TimedWord {
  word: string;
  start: number;
  end: number;
}

/** What the redact stage returns for one run over some segments. */
export interface Redaction {
  segments: Segment[];
  counts: Record<string, number>;
  /**
   * Where the masked items were spoken, on the segments' clock, unpadded and possibly
   * overlapping: the audio redactor mutes them. Times only, never words: safe to checkpoint.
   */
  spans: Span[];
}

/** The redact stage: `words` (when the model timed them) narrow each span to the words said. */
export type Redact = (segments: Segment[], words?: readonly TimedWord[]) => Redaction;
