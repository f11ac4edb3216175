import type { Span } from './span.ts';

/** Seconds added on each side of a masked item: word timestamps are only about this exact. */
export const SPAN_PADDING_SECONDS = 0.25;

/**
 * The stretches to mute: each span widened by `paddingSeconds` on both sides, clamped to
 * [0, durationSeconds], sorted, with overlapping or touching ones merged. A span with a
 * non-finite time cannot come from the redactor; it is taken as the whole call, to stay safe.
 */
export function paddedSpans(spans: readonly Span[], durationSeconds: number, paddingSeconds = SPAN_PADDING_SECONDS): Span[] {
  const widened = spans
    .map((span) =>
      Number.isFinite(span.start) && Number.isFinite(span.end)
        ? { start: Math.max(0, Math.min(span.start, span.end) - paddingSeconds), end: Math.min(durationSeconds, Math.max(span.start, span.end) + paddingSeconds) }
        : { start: 0, end: durationSeconds },
    )
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of widened) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged.map((span) => ({ start: round(span.start), end: round(span.end) }));
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
