import type { Span } from '../audio/span.ts';
import type { Segment } from '../recording.ts';
import type { Finding } from './finding.ts';
import { findingSpans } from './finding-spans.ts';
import { findRedactions } from './find-redactions.ts';
import type { TimedWord } from './redaction.ts';
import type { RedactKind } from './redact-kinds.ts';
import { applyFindings, countFindings } from './redact-text.ts';

export interface RedactedSegments<S extends Segment = Segment> {
  /** The segments with their text masked; times and speakers untouched, none dropped. */
  segments: S[];
  /** The masked text of all segments, joined with a space where neither side had one, trimmed. */
  text: string;
  counts: Record<string, number>;
  /** Where each masked item was spoken (see {@link findingSpans}), in the segments' time. */
  spans: Span[];
}

/**
 * Masks PCI/PII across a transcript's segments. Whisper cuts segments wherever the speaker
 * pauses, so a card number is often spoken across two of them ("4111, 1111," | "1111, 1111.");
 * detection therefore runs once on the joined text, and each finding is written back through
 * an offset map: the tag goes where the item starts, and the item's characters in later
 * segments are removed (a segment can end up empty). Each item is counted once. `words`, when
 * the model timed them, narrow each item's time span to the words that said it.
 */
export function redactSegments<S extends Segment>(
  segments: readonly S[],
  kinds: readonly RedactKind[],
  words?: readonly TimedWord[],
): RedactedSegments<S> {
  const offsets: number[] = [];
  const parts: string[] = [];
  let length = 0;
  for (const [index, segment] of segments.entries()) {
    // Some separator is needed so words of neighbouring segments do not fuse; Whisper texts
    // usually bring their own leading space.
    const previous = parts.at(-1) ?? '';
    if (index > 0 && !/\s$/.test(previous) && !/^\s/.test(segment.text)) {
      parts.push(' ');
      length += 1;
    }
    offsets.push(length);
    parts.push(segment.text);
    length += segment.text.length;
  }
  const joined = parts.join('');
  const findings = findRedactions(joined, kinds);

  let first = 0;
  const redacted = segments.map((segment, index) => {
    const from = offsets[index] ?? 0;
    const to = from + segment.text.length;
    let text = '';
    let cursor = 0;
    let continued = false;
    // Findings are sorted and do not overlap: skip those that ended before this segment.
    while (first < findings.length && (findings[first]?.end ?? 0) <= from) first += 1;
    for (const finding of findings.slice(first)) {
      if (finding.start >= to) break;
      // An item that began in an earlier segment already has its tag there: only remove it here.
      const continues = finding.start < from;
      continued ||= continues;
      const start = Math.max(finding.start, from) - from;
      text += segment.text.slice(cursor, start) + (continues ? '' : `[${finding.tag}]`);
      cursor = Math.min(finding.end, to) - from;
    }
    if (cursor === 0 && text === '') return segment;
    text += segment.text.slice(cursor);
    return { ...segment, text: continued ? text.trimStart() : text };
  });

  return {
    segments: redacted,
    text: applyFindings(joined, findings).trim(),
    counts: countFindings(findings),
    spans: findingSpans(joined, offsets, segments, findings, words),
  };
}
