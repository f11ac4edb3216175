import type { Span } from '../audio/span.ts';
import type { Segment } from '../recording.ts';
import type { Finding } from './finding.ts';
import type { TimedWord } from './redaction.ts';

/** Characters a word may lie past the previous one (punctuation, a dropped filler) and still align. */
const MAX_SKIP_CHARS = 24;
/** A word timed further than this outside its segment is not trusted. */
const SEGMENT_SLACK_SECONDS = 1;

interface PlacedWord {
  from: number;
  to: number;
  start: number;
  end: number;
}

/**
 * Where each finding was spoken. The words (whisper's word timestamps, in order) are aligned to
 * `joined` — the segments' texts as {@link redactSegments} joined them, segment `i` starting at
 * `offsets[i]` — and a finding's span runs from the first to the last word sharing its
 * characters. When a letter or digit of the finding is not covered by an aligned word (no words,
 * a word spelled differently from the text, times outside the segment), the stretch from the
 * first to the last segment the finding touches is its span instead: muting too much is safe,
 * too little is not.
 */
export function findingSpans(
  joined: string,
  offsets: readonly number[],
  segments: readonly Segment[],
  findings: readonly Finding[],
  words: readonly TimedWord[] | undefined,
): Span[] {
  const placed = words && words.length > 0 ? placeWords(joined, offsets, segments, words) : [];
  return findings.flatMap((finding) => {
    const covering = placed.filter((w) => w.from < finding.end && finding.start < w.to);
    if (covering.length > 0 && covers(joined, finding, covering)) {
      return [{ start: Math.min(...covering.map((w) => w.start)), end: Math.max(...covering.map((w) => w.end)) }];
    }
    const touched = segments.filter((segment, i) => {
      const from = offsets[i] ?? 0;
      return from < finding.end && finding.start < from + segment.text.length;
    });
    // one span from the first to the last: a gap between two segments (a seam between requests,
    // whose clocks differ a little) is still the middle of the number being said
    if (touched.length === 0) return [];
    return [{ start: Math.min(...touched.map((s) => s.start)), end: Math.max(...touched.map((s) => s.end)) }];
  });
}

function placeWords(joined: string, offsets: readonly number[], segments: readonly Segment[], words: readonly TimedWord[]): PlacedWord[] {
  const lower = joined.toLowerCase();
  const placed: PlacedWord[] = [];
  let cursor = 0;
  for (const word of words) {
    const key = word.word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (key === '' || !Number.isFinite(word.start) || !Number.isFinite(word.end) || word.end < word.start) continue;
    const at = lower.indexOf(key, cursor);
    // not found nearby: leave it out; the characters it should have covered fall back to segments
    if (at < 0 || at - cursor > MAX_SKIP_CHARS) continue;
    const segment = segmentAt(offsets, at);
    const owner = segments[segment];
    if (!owner || word.start < owner.start - SEGMENT_SLACK_SECONDS || word.end > owner.end + SEGMENT_SLACK_SECONDS) continue;
    placed.push({ from: at, to: at + key.length, start: word.start, end: word.end });
    cursor = at + key.length;
  }
  return placed;
}

function segmentAt(offsets: readonly number[], at: number): number {
  let index = 0;
  while (index + 1 < offsets.length && (offsets[index + 1] ?? Infinity) <= at) index += 1;
  return index;
}

/** Every letter and digit of the finding lies inside one of the words. */
function covers(joined: string, finding: Finding, words: readonly PlacedWord[]): boolean {
  for (let i = finding.start; i < finding.end; i++) {
    if (!/[\p{L}\p{N}]/u.test(joined[i] ?? '')) continue;
    if (!words.some((w) => w.from <= i && i < w.to)) return false;
  }
  return true;
}
