import type { Segment } from '../recording.ts';

/** One request's transcript, placed on the condensed timeline. */
export interface ChunkTranscript {
  /** Where the request's audio starts in the condensed audio, seconds. */
  offset: number;
  /** Length of the request's audio, seconds. */
  durationSeconds: number;
  /** Segment times relative to the request's own start. */
  segments: Segment[];
  /**
   * False when the model gave no timestamps (one segment spanning the request): word times are
   * then only guessed, so the seam is found by words alone.
   */
  timed: boolean;
}

interface Word {
  text: string;
  key: string;
  /** Condensed time of the word's middle (interpolated inside its segment). */
  at: number;
  segment: number;
  /** Position inside its segment, and how many words the segment has. */
  index: number;
  count: number;
}

/** Words compared at a seam: the overlap's worth, plus slack for unsure timestamps. */
const SEAM_WORDS = 16;
const SEAM_SLACK_SECONDS = 2;
/** A shorter common run ("you know") could be chance. */
const MIN_RUN = 2;
/**
 * Words of run length one second of disagreement between the two requests' clocks costs: the
 * same moment has the same time in both, so a run that lines up words seconds apart is a
 * coincidence or repeated words shifted ("one one one one" of a card number). Without
 * timestamps word times are only interpolated, so they count for less.
 */
const TIMED_WEIGHT = 2;
const UNTIMED_WEIGHT = 0.25;

/**
 * Joins the transcripts of overlapping requests into one, on the condensed timeline. The words
 * both neighbours heard in their overlap are found as a common run of words (case and
 * punctuation ignored) between the end of one and the start of the next, preferring long runs
 * whose words were heard at the same moment: the earlier request keeps its words through that
 * run, the later one continues after it, so no word appears twice and a word cut in half at one
 * edge is taken from the request that heard it whole. Without such a run the seam falls in the
 * middle of the overlap, by time.
 */
export function joinChunks(chunks: readonly ChunkTranscript[]): Segment[] {
  const words = chunks.map(wordsOf);
  const keep = words.map((list) => ({ from: 0, to: list.length }));
  for (let k = 0; k + 1 < chunks.length; k++) {
    const [a, b] = [chunks[k], chunks[k + 1]];
    const [left, right] = [words[k] ?? [], words[k + 1] ?? []];
    const [keepLeft, keepRight] = [keep[k], keep[k + 1]];
    if (!a || !b || !keepLeft || !keepRight) continue;
    const seamStart = b.offset;
    const seamEnd = a.offset + a.durationSeconds;
    const tail = range(keepLeft.from, keepLeft.to)
      .filter((i) => !a.timed || (left[i]?.at ?? 0) >= seamStart - SEAM_SLACK_SECONDS)
      .slice(-SEAM_WORDS);
    const head = range(keepRight.from, keepRight.to)
      .filter((i) => !b.timed || (right[i]?.at ?? 0) <= seamEnd + SEAM_SLACK_SECONDS)
      .slice(0, SEAM_WORDS);
    const weight = a.timed && b.timed ? TIMED_WEIGHT : UNTIMED_WEIGHT;
    const run = bestCommonRun(
      tail.map((i) => left[i]!),
      head.map((i) => right[i]!),
      weight,
    );
    if (run) {
      keepLeft.to = (tail[run.a + run.length - 1] ?? keepLeft.to - 1) + 1;
      keepRight.from = (head[run.b + run.length - 1] ?? keepRight.from - 1) + 1;
    } else {
      const middle = (seamStart + seamEnd) / 2;
      while (keepLeft.to > keepLeft.from && (left[keepLeft.to - 1]?.at ?? 0) >= middle) keepLeft.to -= 1;
      while (keepRight.from < keepRight.to && (right[keepRight.from]?.at ?? 0) < middle) keepRight.from += 1;
    }
  }
  return chunks.flatMap((chunk, k) => rebuild(chunk, words[k] ?? [], keep[k] ?? { from: 0, to: 0 }));
}

function wordsOf(chunk: ChunkTranscript): Word[] {
  return chunk.segments.flatMap((segment, segmentIndex) => {
    const texts = segment.text.split(/\s+/).filter((text) => text !== '');
    const step = (segment.end - segment.start) / Math.max(1, texts.length);
    return texts.map((text, index) => ({
      text,
      key: text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ''),
      at: chunk.offset + segment.start + step * (index + 0.5),
      segment: segmentIndex,
      index,
      count: texts.length,
    }));
  });
}

/** The segments of one request with only the kept words, shifted to the condensed timeline. */
function rebuild(chunk: ChunkTranscript, words: readonly Word[], keep: { from: number; to: number }): Segment[] {
  const kept = words.slice(keep.from, keep.to);
  const segments: Segment[] = [];
  for (const [index, segment] of chunk.segments.entries()) {
    const mine = kept.filter((word) => word.segment === index);
    if (mine.length === 0) continue;
    const first = mine[0];
    const last = mine[mine.length - 1];
    if (!first || !last) continue;
    const step = (segment.end - segment.start) / first.count;
    const whole = mine.length === first.count;
    segments.push({
      ...segment,
      start: chunk.offset + (whole ? segment.start : segment.start + step * first.index),
      end: chunk.offset + (whole ? segment.end : segment.start + step * (last.index + 1)),
      text: whole ? segment.text : mine.map((word) => word.text).join(' '),
    });
  }
  return segments;
}

/**
 * The common run of words (equal, non-empty keys, at least MIN_RUN long) that best explains the
 * overlap: long, and lining up words heard at the same time (score = length − weight × the mean
 * time gap in seconds); among equals, the one nearest the seam (fewest words of `a` after it and
 * of `b` before it). Undefined when no run scores at least 1.
 */
function bestCommonRun(a: readonly Word[], b: readonly Word[], weight: number): { a: number; b: number; length: number } | undefined {
  let best: { a: number; b: number; length: number; score: number; slack: number } | undefined;
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      const [x, y] = [a[i - 1], b[j - 1]];
      if (!x || !y || x.key === '' || x.key !== y.key) continue;
      const length = (previous[j - 1] ?? 0) + 1;
      current[j] = length;
      if (length < MIN_RUN) continue;
      let gap = 0;
      for (let n = 1; n <= length; n++) gap += Math.abs((b[j - n]?.at ?? 0) - (a[i - n]?.at ?? 0));
      const score = length - (weight * gap) / length;
      const slack = a.length - i + (j - length);
      if (score >= 1 && (!best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && slack < best.slack))) {
        best = { a: i - length, b: j - length, length, score, slack };
      }
    }
    previous = current;
  }
  return best;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
