import type { Redact } from './redaction.ts';
import type { RedactKind } from './redact-kinds.ts';
import { redactSegments } from './redact-segments.ts';

/** The redact stage: masks what `REDACT` names across a track's segments, counting each kind. */
export function buildRedactor(kinds: readonly RedactKind[]): Redact {
  return (segments, words) => {
    if (kinds.length === 0) return { segments, counts: {}, spans: [] };
    const { segments: masked, counts, spans } = redactSegments(segments, kinds, words);
    return { segments: masked, counts, spans };
  };
}
