import type { RedactKind } from '../config.ts';
import type { Redaction } from '../pipeline/process-recording.ts';
import type { Segment } from '../recording.ts';

// replaced by the PCI/PII redactor once it lands
export function buildRedactor(_kinds: RedactKind[]): (segments: Segment[]) => Redaction {
  return (segments) => ({ segments, counts: {} });
}
