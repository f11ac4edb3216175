import { describe, expect, it } from 'vitest';
import { filterOf } from '../../src/audio/audio-redactor.ts';
import { paddedSpans } from '../../src/audio/padded-spans.ts';
import type { Segment } from '../../src/recording.ts';
import type { TimedWord } from '../../src/redact/redaction.ts';
import { redactSegments } from '../../src/redact/redact-segments.ts';
import { trackSpans } from '../../src/pipeline/redact-audio-once.ts';

/** Whisper-like words: each segment's words evenly over it, punctuation stripped. */
function wordsOf(segments: Segment[]): TimedWord[] {
  return segments.flatMap((s) => {
    const words = s.text.split(/\s+/).filter(Boolean);
    const step = (s.end - s.start) / words.length;
    return words.map((w, i) => ({ word: w.replace(/[^\p{L}\p{N}]+$/u, ''), start: s.start + i * step, end: s.start + (i + 1) * step }));
  });
}

const CALL: Segment[] = [
  { start: 0, end: 4, text: 'My card is 4111 1111' },
  { start: 4, end: 6, text: '1111 1111.' },
  { start: 6, end: 10, text: 'That is all, thank you.' },
];

describe('redactSegments: time spans of what it masked', () => {
  it('narrows a card said across two segments to its words', () => {
    const { spans, segments } = redactSegments(CALL, ['pci'], wordsOf(CALL));
    expect(segments.map((s) => s.text).join(' ')).not.toMatch(/\d/);
    // "4111" is the 4th of 5 words in [0, 4): from 2.4; the card ends with segment 2 at 6
    expect(spans).toEqual([{ start: 3 * 0.8, end: 6 }]);
  });

  it('without words, mutes every segment the card touches, and what lies between them', () => {
    expect(redactSegments(CALL, ['pci']).spans).toEqual([{ start: 0, end: 6 }]);
  });

  it('falls back to whole segments when a word of the card is missing or spelled differently', () => {
    const words = wordsOf(CALL).map((w) => (w.word === '1111' && w.start >= 4 ? { ...w, word: 'eleven' } : w));
    expect(redactSegments(CALL, ['pci'], words).spans).toEqual([{ start: 0, end: 6 }]);
    const fewer = wordsOf(CALL).filter((w) => !(w.word === '1111' && w.start < 4));
    expect(redactSegments(CALL, ['pci'], fewer).spans).toEqual([{ start: 0, end: 6 }]);
  });

  it('distrusts words timed outside their segment (a hostile or broken server)', () => {
    const words = wordsOf(CALL).map((w) => (w.word === '4111' ? { ...w, start: 50, end: 51 } : w));
    expect(redactSegments(CALL, ['pci'], words).spans).toEqual([{ start: 0, end: 6 }]);
  });

  it('has no spans when nothing is masked, and one per item', () => {
    expect(redactSegments([{ start: 0, end: 3, text: 'Order 12345, thanks.' }], ['pci', 'ssn'], []).spans).toEqual([]);
    const two: Segment[] = [
      { start: 0, end: 4, text: 'Card 4111 1111 1111 1111' },
      { start: 4, end: 8, text: 'and the security code is 737' },
    ];
    expect(redactSegments(two, ['pci'], wordsOf(two)).spans).toEqual([
      { start: 0.8, end: 4 },
      { start: 4 + 5 * (4 / 6), end: 8 },
    ]);
  });
});

describe('paddedSpans', () => {
  it('pads, clamps to the call and merges what overlaps', () => {
    expect(paddedSpans([{ start: 0.1, end: 1 }, { start: 1.3, end: 2 }, { start: 9.9, end: 10 }], 10)).toEqual([
      { start: 0, end: 2.25 },
      { start: 9.65, end: 10 },
    ]);
  });

  it('takes a span with a non-finite time as the whole call', () => {
    expect(paddedSpans([{ start: Number.NaN, end: 2 }], 7)).toEqual([{ start: 0, end: 7 }]);
  });
});

describe('trackSpans', () => {
  it('uses the checkpointed spans, or for an older checkpoint every segment that carries a tag', () => {
    const result = { model: 'whisper-1', text: '', billedSeconds: 1, segments: [{ start: 0, end: 2, text: 'hi' }, { start: 2, end: 5, text: 'it is [card number]' }] };
    expect(trackSpans([{ channel: 0, result, redactions: {}, maskedSpans: [{ start: 3, end: 4 }] }])).toEqual([{ start: 3, end: 4 }]);
    expect(trackSpans([{ channel: 0, result, redactions: { 'card number': 1 } }])).toEqual([{ start: 2, end: 5 }]);
  });
});

describe('filterOf', () => {
  it('one aeval over every channel, silence or a 1 kHz tone inside the spans', () => {
    const spans = [{ start: 1, end: 2.5 }, { start: 4, end: 5 }];
    expect(filterOf(spans, 2, 'mute')).toBe(
      'aeval=exprs=if(between(t\\,1.000000\\,2.500000)+between(t\\,4.000000\\,5.000000)\\,0\\,val(0))|' +
        'if(between(t\\,1.000000\\,2.500000)+between(t\\,4.000000\\,5.000000)\\,0\\,val(1)):c=same',
    );
    expect(filterOf(spans, 1, 'beep')).toContain('0.25*sin(2*PI*1000*t)');
  });
});
