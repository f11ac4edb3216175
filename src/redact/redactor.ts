import type { Segment } from '../recording.ts';
import type { RedactKind } from './redact-kinds.ts';
import type { Redaction } from './redaction.ts';
import { redactSegments } from './redact-segments.ts';

/** The redact stage: masks what `REDACT` names across a track's segments, counting each kind. */
export function buildRedactor(kinds: readonly RedactKind[]): (segments: Segment[]) => Redaction {
  return (segments) => {
    if (kinds.length === 0) return { segments, counts: {} };
    const { segments: masked, counts } = redactSegments(segments, kinds);
    return { segments: masked, counts };
  };
}
