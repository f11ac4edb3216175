import { describe, expect, it } from 'vitest';
import type { RedactKind } from '../../src/redact/redact-kinds.ts';
import { redactSegments } from '../../src/redact/redact-segments.ts';
import { redactText } from '../../src/redact/redact-text.ts';

const DEFAULT: RedactKind[] = ['pci', 'ssn'];
type Case = [input: string, output: string, counts: Record<string, number>];
const CARD = { 'card number': 1 };

describe('redactText: cards read with words, marks or breaks between the groups (issue 8)', () => {
  it.each<Case>([
    ["it's 4000 0566, mm-hmm, 5566 5556", "it's [card number]", CARD],
    ['five five five five, okay, five five five five, yes, five five five five, four four four four', '[card number]', CARD],
    ['5105/1051/0510/5100', '[card number]', CARD],
    ['4111\n1111\n1111\n1111 thanks', '[card number] thanks', CARD],
    ['cuatro uno uno uno, uno uno uno uno, sí, uno uno uno uno, vale, uno uno uno uno', '[card number]', CARD],
    ['cuatro 111, uno uno uno uno, y 1111, doble uno one one', '[card number]', CARD],
    ['it starts with 3782, the middle is 822463, and it ends in 10005', 'it starts with [card number]', CARD],
    ['the first four are 6011, the next four are 1111, then 1111 and the last four are 1117', 'the first four are [card number]', CARD],
    ['empieza con 3530 1113, y termina en 3330 0000', 'empieza con [card number]', CARD],
    ['3056 9309, uh-huh, 0259 04', '[card number]', CARD],
    ['2223 0031, go ahead, 2200 3222', '[card number]', CARD],
    ['6200 0000, got it, 0000 0005', '[card number]', CARD],
    ['my card is 4000 0566, sorry, hold on, 5566 5556', 'my card is [card number]', CARD],
    ['cuatro cero cero cero, perdón, a ver, cero cinco seis seis, cinco cinco seis seis, cinco cinco cinco seis', '[card number]', CARD],
    ['4000 0566, mm-hmm, 5566 5556, expires 04/27, and the code is 123',
      '[card number], expires [expiry date], and the code is [security code]', { 'card number': 1, 'expiry date': 1, 'security code': 1 }],
    ['5555 5555, vale, 5555 4444, vence 12/29, código de seguridad 321',
      '[card number], vence [expiry date], código de seguridad [security code]', { 'card number': 1, 'expiry date': 1, 'security code': 1 }],
  ])('%j', (input, output, counts) => {
    expect(redactText(input, DEFAULT)).toEqual({ text: output, counts });
  });

  it('catches a card on a stereo call while the agent says "mm-hmm" in between', () => {
    const result = redactSegments(
      [
        { start: 10, end: 12, text: ' Sure, 4000 0566,', speaker: 'caller' as const },
        { start: 12, end: 12.5, text: ' Mm-hmm.', speaker: 'agent' as const },
        { start: 14, end: 16, text: ' 5566 5556.', speaker: 'caller' as const },
      ],
      DEFAULT,
    );
    expect(result.segments.map((segment) => segment.text)).toEqual([' Sure, [card number]', '', '.']);
    expect(result.counts).toEqual(CARD);
  });

  it('catches a card across a chunk seam (no space between the two texts)', () => {
    const result = redactSegments([{ start: 0, end: 1, text: 'card is 4000 0566' }, { start: 1, end: 2, text: '5566 5556 okay' }], DEFAULT);
    expect(result.text).toBe('card is [card number] okay');
  });
});

describe('redactText: numbers around words that are not cards stay', () => {
  it.each([
    "it's 4000 0566, mm-hmm, 5566 5557", // Luhn-invalid: a misheard digit, nothing to protect
    'my phone is 415 555 0134 and the total was 125 dollars',
    'call me back at 415-555-0134, okay, 4/26 then 12',
    'order number 2141 9717 1100 0370 82 and ticket 5581-9002-7212-4238-96',
    'confirmation number 8165 2138 0429 5445 0, okay, thanks',
    'rooms 12 and 14, then apartment 4, zip code 90210',
    'I called 3 times and waited 45 minutes, then 10:30 AM and 5/13/2014',
    'the year 1985 and then 2026-03-14 and 1600 Pennsylvania Avenue',
    '+44 20 8784 5124, and 5/13/2014',
    'invoice 5123-3031-5014-0026-524.',
    'el número de pedido 6507 0699 9692 4783 174, vale',
  ])('%j', (input) => {
    expect(redactText(input, DEFAULT)).toEqual({ text: input, counts: {} });
  });
});

describe('redactText: speed', () => {
  it('stays near-linear on a long transcript full of numbers and fillers', () => {
    const sentence = "okay, 4000 0566, mm-hmm, 5566 5556, and my phone is 415 555 0134, order 5512 and then, uh, 12 and 14, yes. ";
    const small = sentence.repeat(200);
    const large = sentence.repeat(2000);
    const time = (text: string): number => {
      const started = performance.now();
      const result = redactText(text, DEFAULT);
      expect(result.counts['card number']).toBe(text.length / sentence.length);
      return performance.now() - started;
    };
    time(small);
    const smallMs = time(small);
    const largeMs = time(large);
    // 10× the text may take ~10× the time; quadratic work would take ~100×.
    expect(largeMs).toBeLessThan(Math.max(smallMs, 5) * 30);
  });
});
