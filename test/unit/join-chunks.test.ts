import { describe, expect, it } from 'vitest';
import { joinChunks } from '../../src/transcribe/join-chunks.ts';

const words = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `w${from + i}`);
/** One segment per word, one word per second, on the request's own clock. */
const perWord = (from: number, to: number, offset: number) => words(from, to).map((text, i) => ({ start: from + i - offset, end: from + i + 1 - offset, text }));

describe('joinChunks', () => {
  it('keeps each word heard in an overlap once, by the longest common run of words', () => {
    // request 1 hears 0..52 s, request 2 hears 49.5..100 s: both heard w49..w51
    const joined = joinChunks([
      { offset: 0, durationSeconds: 52, segments: perWord(0, 52, 0), timed: true },
      { offset: 49.5, durationSeconds: 50.5, segments: perWord(49, 100, 49.5), timed: true },
    ]);
    expect(joined.map((s) => s.text)).toEqual(words(0, 100));
    for (let i = 1; i < joined.length; i++) expect(joined[i]!.start).toBeGreaterThanOrEqual(joined[i - 1]!.start);
  });

  it('lines up repeated words as heard, so a number spoken across the seam keeps every digit', () => {
    const spoken = Array.from({ length: 100 }, (_, i) => (i === 42 ? 'four' : i > 42 && i < 58 ? 'one' : `w${i}`));
    const hear = (from: number, to: number, offset: number) =>
      spoken.slice(from, to).map((text, i) => ({ start: from + i - offset, end: from + i + 1 - offset, text }));
    const joined = joinChunks([
      { offset: 0, durationSeconds: 50.75, segments: hear(0, 51, 0), timed: true },
      { offset: 48.25, durationSeconds: 51.75, segments: hear(48, 100, 48.25), timed: true },
    ]);
    expect(joined.map((s) => s.text)).toEqual(spoken);
  });

  it('takes a word cut at the edge from the request that heard it whole', () => {
    const joined = joinChunks([
      { offset: 0, durationSeconds: 10, segments: [{ start: 0, end: 10, text: 'please hold while I check your acc' }], timed: false },
      { offset: 7.5, durationSeconds: 10, segments: [{ start: 0, end: 10, text: 'I check your account balance now thanks' }], timed: false },
    ]);
    expect(joined.map((s) => s.text).join(' ')).toBe('please hold while I check your account balance now thanks');
  });

  it('splits in the middle of the overlap by time when the words do not agree', () => {
    const joined = joinChunks([
      { offset: 0, durationSeconds: 20, segments: [{ start: 0, end: 10, text: 'alpha beta' }, { start: 16, end: 20, text: 'gamma delta' }], timed: true },
      { offset: 17.5, durationSeconds: 10, segments: [{ start: 0, end: 2, text: 'epsilon zeta' }, { start: 2, end: 10, text: 'eta theta' }], timed: true },
    ]);
    // the overlap is 17.5..20: its middle is 18.75; "delta" (19 s) and "epsilon" (18 s) fall on the wrong sides
    expect(joined.map((s) => s.text)).toEqual(['alpha beta', 'gamma', 'zeta', 'eta theta']);
    expect(joined[1]).toMatchObject({ start: 16, end: 18 });
    expect(joined[2]).toMatchObject({ start: 18.5, end: 19.5 });
  });
});
