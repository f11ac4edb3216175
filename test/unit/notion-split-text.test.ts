import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/publish/notion/split-text.ts';
import { timestamp, transcriptBlocks } from '../../src/publish/notion/transcript-blocks.ts';
import { nextBatchSize } from '../../src/publish/notion/block-batches.ts';
import type { TranscriptDocument } from '../../src/recording.ts';

const hasLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('splitText', () => {
  it('keeps short text whole, and empty text as one empty piece', () => {
    expect(splitText('Hello there.')).toEqual(['Hello there.']);
    expect(splitText('')).toEqual(['']);
    expect(splitText('x'.repeat(2000))).toHaveLength(1);
  });

  it('cuts after the last sentence end in the window', () => {
    const text = 'One two three. Four five six. Seven eight nine ten.';
    expect(splitText(text, 32)).toEqual(['One two three. Four five six. ', 'Seven eight nine ten.']);
  });

  it('falls back to a word boundary, then to a hard cut', () => {
    expect(splitText('alpha beta gamma delta', 12)).toEqual(['alpha beta ', 'gamma delta']);
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('cuts CJK text after full-width punctuation, which needs no space', () => {
    const pieces = splitText('您好。这里是客服中心。请问有什么可以帮您？', 12);
    expect(pieces[0]).toBe('您好。这里是客服中心。');
    expect(pieces.join('')).toBe('您好。这里是客服中心。请问有什么可以帮您？');
  });

  it('never separates a surrogate pair, and always reassembles the exact text', () => {
    for (const text of [`a${'😀'.repeat(3000)}`, '👍🏽'.repeat(1500), `${'x'.repeat(1999)}😀 tail`, `${'語'.repeat(1999)}𠀋${'語'.repeat(10)}`]) {
      const pieces = splitText(text);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(2000);
        expect(hasLoneSurrogate(piece)).toBe(false);
      }
    }
  });

  it('does not leave tiny pieces when the only boundary is early in the window', () => {
    const pieces = splitText(`Hi. ${'x'.repeat(3000)}`);
    expect(pieces[0]).toHaveLength(2000);
  });
});

describe('transcriptBlocks', () => {
  const doc = (segments: TranscriptDocument['segments'], text = ''): TranscriptDocument => ({
    id: 'id', sha256: 's', source: 'inbox', sourcePath: '/x', fileName: 'x.wav', receivedAt: '2026-01-01T00:00:00Z',
    audio: { durationSeconds: 1, channels: 1, sampleRate: 8000, codec: 'pcm_s16le' }, call: {}, model: 'm', text, segments, redactions: {},
  });
  const texts = (d: TranscriptDocument) =>
    transcriptBlocks(d).map((b) => ('paragraph' in b && b.paragraph ? b.paragraph.rich_text.map((r) => ('text' in r && r.text ? r.text.content : '')).join('') : ''));

  it('writes [mm:ss] Speaker: text, with the speaker left out when unknown', () => {
    expect(texts(doc([{ start: 5.9, end: 7, text: ' Hello ', speaker: 'agent' }, { start: 3725, end: 3730, text: 'Bye', speaker: 'caller' }, { start: 61, end: 62, text: 'Hm' }, { start: 70, end: 71, text: '  ' }])))
      .toEqual(['[00:05] Agent: Hello', '[62:05] Caller: Bye', '[01:01] Hm']);
    expect(timestamp(0)).toBe('[00:00]');
  });

  it('falls back to the plain text, one paragraph per blank-line block', () => {
    expect(texts(doc([], 'First.\n\n\nSecond\nline.'))).toEqual(['First.', 'Second\nline.']);
  });

  it('continues a very long segment in further paragraphs of at most 20 items', () => {
    const blocks = transcriptBlocks(doc([{ start: 0, end: 1, text: 'word '.repeat(20_000) }]));
    const counts = blocks.map((b) => ('paragraph' in b && b.paragraph ? b.paragraph.rich_text.length : 0));
    expect(counts.every((n) => n <= 20)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1 + Math.ceil(100_000 / 2000));
  });
});

describe('nextBatchSize', () => {
  it('takes at most 100 blocks, fewer when the bytes would pass the limit, at least one', () => {
    const small = Array.from({ length: 250 }, () => ({ paragraph: { rich_text: [{ text: { content: 'x' } }] } }));
    expect(nextBatchSize(small)).toBe(100);
    const big = Array.from({ length: 100 }, () => ({ paragraph: { rich_text: [{ text: { content: '語'.repeat(2000) } }] } }));
    const n = nextBatchSize(big);
    expect(n).toBeGreaterThan(50);
    expect(n).toBeLessThan(100);
    expect(nextBatchSize(big, 10_000_000)).toBe(1);
    expect(nextBatchSize([])).toBe(0);
  });
});
