import type { Span } from './span.ts';

/** How {@link SpeechMap.fromSilences} cuts. */
export interface SilenceCutOptions {
  /** Silences at least this long are cut out; shorter pauses stay. */
  minSilenceSeconds: number;
  /** Silence kept next to speech on each side of a cut, so no word is clipped; default 0.3 s. */
  paddingSeconds?: number;
  /** Cut boundaries land on multiples of this (the cutter's frame length); default 0.01 s. */
  gridSeconds?: number;
}

/** A kept stretch of the original track and where it starts in the condensed audio. */
export interface SpeechPiece extends Span {
  at: number;
}

export const DEFAULT_GRID_SECONDS = 0.01;
const DEFAULT_PADDING_SECONDS = 0.3;

/**
 * The time map between a track and its condensed version (long silences cut out): the kept
 * stretches in order, each placed right after the previous one. Condensed time → original time
 * is what puts every transcript segment back on the call's own clock.
 */
export class SpeechMap {
  readonly pieces: readonly SpeechPiece[];
  /** Length of the condensed audio in seconds. */
  readonly durationSeconds: number;

  /** `spans`: kept stretches of the original track, sorted and disjoint. */
  constructor(
    spans: readonly Span[],
    readonly trackSeconds: number,
  ) {
    let at = 0;
    this.pieces = spans.map((span) => {
      const piece = { start: span.start, end: span.end, at: round(at) };
      at += span.end - span.start;
      return piece;
    });
    this.durationSeconds = round(at);
  }

  /** Nothing cut: the condensed audio is the track. */
  static whole(trackSeconds: number): SpeechMap {
    return new SpeechMap([{ start: 0, end: trackSeconds }], trackSeconds);
  }

  /** Keeps everything but the silences of at least `minSilenceSeconds`, minus padding. */
  static fromSilences(silences: readonly Span[], trackSeconds: number, options: SilenceCutOptions): SpeechMap {
    const grid = options.gridSeconds ?? DEFAULT_GRID_SECONDS;
    const padding = options.paddingSeconds ?? DEFAULT_PADDING_SECONDS;
    const end = ceilTo(trackSeconds, grid);
    const kept: Span[] = [];
    let cursor = 0;
    for (const silence of [...silences].sort((a, b) => a.start - b.start)) {
      if (silence.end - silence.start < options.minSilenceSeconds) continue;
      // at the very start or end of the track there is no speech to pad on that side
      const from = silence.start <= grid ? 0 : ceilTo(silence.start + padding, grid);
      const to = silence.end >= trackSeconds - grid ? end : floorTo(silence.end - padding, grid);
      if (to - from < grid || from < cursor) continue;
      if (from > cursor) kept.push({ start: cursor, end: from });
      cursor = to;
    }
    if (cursor < end) kept.push({ start: cursor, end });
    return new SpeechMap(kept.filter((span) => span.end - span.start >= grid), trackSeconds);
  }

  /** True when the condensed audio would be the track itself. */
  get isWhole(): boolean {
    const [first] = this.pieces;
    return this.pieces.length === 1 && first !== undefined && first.start === 0 && first.end >= this.trackSeconds - DEFAULT_GRID_SECONDS;
  }

  /** Seconds of the track cut out. */
  get removedSeconds(): number {
    return Math.max(0, this.trackSeconds - this.durationSeconds);
  }

  /**
   * The original time of condensed time `t`. Where two pieces meet, a segment's start belongs
   * to the later piece and its end to the earlier one, so no segment spans a cut silence.
   */
  toOriginal(t: number, edge: 'start' | 'end' = 'start'): number {
    const index = this.#pieceAt(t, edge);
    const piece = this.pieces[index];
    if (piece === undefined) return 0;
    return round(Math.min(piece.end, Math.max(piece.start, piece.start + (t - piece.at))));
  }

  /** The condensed time of original time `t`; a time inside a cut silence maps to the cut. */
  toCondensed(t: number): number {
    for (const piece of this.pieces) {
      if (t < piece.start) return piece.at;
      if (t <= piece.end) return round(piece.at + (t - piece.start));
    }
    return this.durationSeconds;
  }

  /** The original stretches that condensed [from, to) is made of. */
  originalSpans(from: number, to: number): Span[] {
    const spans: Span[] = [];
    for (const piece of this.pieces) {
      const length = piece.end - piece.start;
      const start = Math.max(from, piece.at);
      const end = Math.min(to, piece.at + length);
      if (end - start <= 1e-9) continue;
      spans.push({ start: round(piece.start + (start - piece.at)), end: round(piece.start + (end - piece.at)) });
    }
    return spans;
  }

  /** Condensed times where a cut silence was: the best places to split a long call. */
  junctions(): number[] {
    return this.pieces.slice(1).map((piece) => piece.at);
  }

  #pieceAt(t: number, edge: 'start' | 'end'): number {
    let low = 0;
    let high = this.pieces.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      const at = this.pieces[mid]?.at ?? 0;
      if (at < t || (edge === 'start' && at === t)) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** Rounds away float noise (times are kept to the microsecond). */
function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

function ceilTo(seconds: number, grid: number): number {
  return round(Math.ceil(seconds / grid - 1e-6) * grid);
}

function floorTo(seconds: number, grid: number): number {
  return round(Math.floor(seconds / grid + 1e-6) * grid);
}
