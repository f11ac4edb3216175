import type { Segment } from '../recording.ts';

/** What the redact stage returns for one track: the masked segments and how many of each kind it masked. */
export interface Redaction {
  segments: Segment[];
  /** Keyed by the tag written in place of the text (`card number`, `ssn`, …). */
  counts: Record<string, number>;
}
