import { describe, expect, it } from 'vitest';
import { parseRedactKinds, type RedactKind } from '../../src/redact/redact-kinds.ts';
import { redactSegments } from '../../src/redact/redact-segments.ts';
import { redactText } from '../../src/redact/redact-text.ts';

const DEFAULT: RedactKind[] = ['pci', 'ssn'];
const ALL: RedactKind[] = ['pci', 'ssn', 'phone', 'email'];

/** Independent Luhn check, so the tests do not trust the code under test. */
function luhn(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((char, index) => {
    const doubled = index % 2 === 1 ? Number(char) * 2 : Number(char);
    sum += doubled > 9 ? doubled - 9 : doubled;
  });
  return sum % 10 === 0;
}

function withCheckDigit(body: string): string {
  for (let digit = 0; digit <= 9; digit += 1) if (luhn(body + digit)) return body + digit;
  throw new Error('unreachable');
}

type Case = [input: string, output: string, counts: Record<string, number>];

describe('redactText: card numbers written as digits', () => {
  it.each<Case>([
    ['My card is 4111 1111 1111 1111, thanks.', 'My card is [card number], thanks.', { 'card number': 1 }],
    ['Visa 4111-1111-1111-1111 please', 'Visa [card number] please', { 'card number': 1 }],
    ['number 4111111111111111.', 'number [card number].', { 'card number': 1 }],
    ['Visa 4012 8888 8888 1881', 'Visa [card number]', { 'card number': 1 }],
    ['old Visa 4222222222222 ok', 'old Visa [card number] ok', { 'card number': 1 }],
    ['Mastercard 5555 5555 5555 4444', 'Mastercard [card number]', { 'card number': 1 }],
    ['MC 5105-1051-0510-5100', 'MC [card number]', { 'card number': 1 }],
    ['2-series 2223 0031 2200 3222', '2-series [card number]', { 'card number': 1 }],
    ['Amex 3782 822463 10005', 'Amex [card number]', { 'card number': 1 }],
    ['Amex 371449635398431', 'Amex [card number]', { 'card number': 1 }],
    ['Discover 6011 1111 1111 1117', 'Discover [card number]', { 'card number': 1 }],
    ['Discover 6011-0009-9013-9424', 'Discover [card number]', { 'card number': 1 }],
    ['Diners 3056 9309 0259 04', 'Diners [card number]', { 'card number': 1 }],
    ['JCB 3530 1113 3330 0000', 'JCB [card number]', { 'card number': 1 }],
    ['It is 4111, 1111, 1111, 1111.', 'It is [card number].', { 'card number': 1 }],
    ['4111. 1111. 1111. 1111. Got it?', '[card number]. Got it?', { 'card number': 1 }],
    ['ticket 12, 4111 1111 1111 1111 ok', 'ticket 12, [card number] ok', { 'card number': 1 }],
    ['two cards: 4111 1111 1111 1111 5555 5555 5555 4444', 'two cards: [card number] [card number]', { 'card number': 2 }],
  ])('%s', (input, output, counts) => {
    expect(redactText(input, DEFAULT)).toEqual({ text: output, counts });
  });

  it('masks 19-digit numbers', () => {
    const card = withCheckDigit('601100000000000000');
    expect(redactText(`long one ${card.slice(0, 4)} ${card.slice(4, 8)} ${card.slice(8, 12)} ${card.slice(12, 16)} ${card.slice(16)} end`, DEFAULT))
      .toEqual({ text: 'long one [card number] end', counts: { 'card number': 1 } });
  });
});

describe('redactText: card numbers spoken as words', () => {
  it.each<Case>([
    ['it is four one one one one one one one one one one one one one one one.', 'it is [card number].', { 'card number': 1 }],
    ['Four one one one, double one, one one, triple one one, one one one one', '[card number]', { 'card number': 1 }],
    ['six oh one one, oh oh oh nine, nine oh one three, nine four two four', '[card number]', { 'card number': 1 }],
    ['six zero one one zero zero zero nine nine zero one three nine four two four', '[card number]', { 'card number': 1 }],
    ['three seven eight two, eight two two four six three, one zero zero zero five', '[card number]', { 'card number': 1 }],
    ['forty one eleven, eleven eleven, eleven eleven, eleven eleven', '[card number]', { 'card number': 1 }],
    ['double five double five, five five five five, five five five five, four four four four', '[card number]', { 'card number': 1 }],
    ['mixed 4111 one one one one, 1111, one one one one.', 'mixed [card number].', { 'card number': 1 }],
    ['four one one one, uh, one one one one, um, one one one one, one one one one', '[card number]', { 'card number': 1 }],
    ['Whisper wrote for one one one one one one one one one one one one one one one', 'Whisper wrote [card number]', { 'card number': 1 }],
    ['Oh, four one one one one one one one one one one one one one one one', 'Oh, [card number]', { 'card number': 1 }],
    ['Four-one-one-one one-one-one-one one-one-one-one one-one-one-one', '[card number]', { 'card number': 1 }],
  ])('%s', (input, output, counts) => {
    expect(redactText(input, DEFAULT)).toEqual({ text: output, counts });
  });
});

describe('redactText: security codes and expiry dates', () => {
  it.each<Case>([
    ['card 4111 1111 1111 1111, expires 04/27, CVV 123.', 'card [card number], expires [expiry date], CVV [security code].',
      { 'card number': 1, 'expiry date': 1, 'security code': 1 }],
    ['4111, 1111, 1111, 1111. Expiration oh four twenty seven, and the security code is seven three seven.',
      '[card number]. Expiration [expiry date], and the security code is [security code].',
      { 'card number': 1, 'expiry date': 1, 'security code': 1 }],
    ['Amex 3782 822463 10005, it expires April 2027, code 1234', 'Amex [card number], it expires [expiry date], code [security code]',
      { 'card number': 1, 'expiry date': 1, 'security code': 1 }],
    ['card 4111111111111111 good through April of twenty twenty seven', 'card [card number] good through [expiry date]',
      { 'card number': 1, 'expiry date': 1 }],
    ['card 4111 1111 1111 1111 exp 12/2027', 'card [card number] exp [expiry date]', { 'card number': 1, 'expiry date': 1 }],
    ['card 4111 1111 1111 1111, oh four twenty seven, seven three seven', 'card [card number], [expiry date], [security code]',
      { 'card number': 1, 'expiry date': 1, 'security code': 1 }],
    ['card 4111 1111 1111 1111 and 4/27 and then 737', 'card [card number] and [expiry date] and then [security code]',
      { 'card number': 1, 'expiry date': 1, 'security code': 1 }],
    ['card 4111 1111 1111 1111 valid thru oh four slash twenty seven', 'card [card number] valid thru [expiry date]',
      { 'card number': 1, 'expiry date': 1 }],
    ['The expiration date is December twenty eight.', 'The expiration date is [expiry date].', { 'expiry date': 1 }],
    ['The expiration date is four twenty seven.', 'The expiration date is [expiry date].', { 'expiry date': 1 }],
    ['What is the security code? Uh, it is seven three seven.', 'What is the security code? Uh, it is [security code].', { 'security code': 1 }],
    ["the CVV on the back, it's 1234", "the CVV on the back, it's [security code]", { 'security code': 1 }],
    ['the three digit code on the back is 9 8 7', 'the three digit code on the back is [security code]', { 'security code': 1 }],
  ])('%s', (input, output, counts) => {
    expect(redactText(input, DEFAULT)).toEqual({ text: output, counts });
  });

  it.each([
    'Flight 737 leaves at 3:45 PM.',
    'I can come in April 2027.',
    '04/27 is my birthday.',
    'the code is 123',
    'Room 4127, floor 12',
    'invoice number four two seven',
  ])('leaves %j alone without a card context', (input) => {
    expect(redactText(input, DEFAULT)).toEqual({ text: input, counts: {} });
  });

  it('leaves numbers alone once the card context has passed', () => {
    const filler = ' and then we talked about the weather for quite a while, nothing to do with payments at all'.repeat(3);
    const input = `card 4111 1111 1111 1111${filler}, room 737.`;
    expect(redactText(input, DEFAULT)).toEqual({ text: `card [card number]${filler}, room 737.`, counts: { 'card number': 1 } });
  });

  it('leaves amounts, times and labelled numbers near a card alone', () => {
    expect(redactText('card 4111 1111 1111 1111, the charge is 125 dollars for order number 5512, call at three PM', DEFAULT)).toEqual({
      text: 'card [card number], the charge is 125 dollars for order number 5512, call at three PM',
      counts: { 'card number': 1 },
    });
  });
});

describe('redactText: SSNs', () => {
  it.each<Case>([
    ['my SSN is 123-45-6789.', 'my SSN is [ssn].', { ssn: 1 }],
    ['the form said 078-05-1120 somewhere', 'the form said [ssn] somewhere', { ssn: 1 }],
    ['my social is one two three, four five, six seven eight nine', 'my social is [ssn]', { ssn: 1 }],
    ['social security number 123 45 6789', 'social security number [ssn]', { ssn: 1 }],
    ['can I have the last four of your social? Sure, 6789.', 'can I have the last four of your social? Sure, [ssn].', { ssn: 1 }],
  ])('%s', (input, output, counts) => {
    expect(redactText(input, DEFAULT)).toEqual({ text: output, counts });
  });

  it('needs a context for the undashed form', () => {
    expect(redactText('reference 123 45 6789', DEFAULT)).toEqual({ text: 'reference 123 45 6789', counts: {} });
  });

  it('is off unless requested', () => {
    expect(redactText('my SSN is 123-45-6789', ['pci'])).toEqual({ text: 'my SSN is 123-45-6789', counts: {} });
  });
});

describe('redactText: phone numbers and e-mail only on request', () => {
  const input = 'call me at 555-123-4567 or (555) 123-4567, or +44 20 7946 0958, mail jdoe@example.com';

  it('keeps them with the default kinds', () => {
    expect(redactText(input, DEFAULT)).toEqual({ text: input, counts: {} });
  });

  it('masks phone numbers with phone', () => {
    expect(redactText(input, ['phone'])).toEqual({
      text: 'call me at [phone] or [phone], or [phone], mail jdoe@example.com',
      counts: { phone: 3 },
    });
  });

  it.each<Case>([
    ['my number is five five five, one two three, four five six seven', 'my number is [phone]', { phone: 1 }],
    ['reach me on 1 800 555 0199 tomorrow', 'reach me on [phone] tomorrow', { phone: 1 }],
    ['or 555.123.4567', 'or [phone]', { phone: 1 }],
  ])('%s', (text, output, counts) => {
    expect(redactText(text, ['phone'])).toEqual({ text: output, counts });
  });

  it('masks e-mail addresses with email', () => {
    expect(redactText(input, ['email'])).toEqual({ text: input.replace('jdoe@example.com', '[email]'), counts: { email: 1 } });
    expect(redactText("it's john dot smith at example dot com", ['email'])).toEqual({
      text: "it's [email]",
      counts: { email: 1 },
    });
  });

  it('combines every kind', () => {
    expect(redactText('card 4111 1111 1111 1111, ssn 123-45-6789, phone 555-123-4567, mail a.b@c.io', ALL)).toEqual({
      text: 'card [card number], ssn [ssn], phone [phone], mail [email]',
      counts: { 'card number': 1, ssn: 1, phone: 1, email: 1 },
    });
  });
});

describe('redactText: near-misses stay', () => {
  it.each([
    'order number 4111 1111 1111 1112 shipped',
    'Your order 1234 5678 9012 3456 shipped today',
    'That was $1,234.56 in total',
    'we spoke at 3:45 PM',
    'invoice number four two seven',
    'call me back at 555-123-4567',
    'call me back at (555) 123-4567',
    'January 5th, 2026',
    'tracking 1Z999AA10123456784',
    'account 12345678901234567890',
    'version 2.4.1 of the app',
    'I have two kids, one is four and one is six',
  ])('%s', (input) => {
    for (const digits of input.match(/\d[\d ]{11,}\d/g) ?? []) {
      const run = digits.replace(/ /g, '');
      if (run.length >= 13 && run.length <= 19) expect(luhn(run)).toBe(false);
    }
    expect(redactText(input, DEFAULT)).toEqual({ text: input, counts: {} });
  });

  it('does nothing for no kinds', () => {
    expect(redactText('4111 1111 1111 1111 and 123-45-6789', [])).toEqual({ text: '4111 1111 1111 1111 and 123-45-6789', counts: {} });
  });
});

describe('redactSegments', () => {
  it('catches a card spoken across two segments', () => {
    const result = redactSegments(
      [
        { start: 0, end: 2.5, text: ' My card is 4111, 1111,', speaker: 'caller' as const },
        { start: 2.5, end: 4, text: ' 1111, 1111. And', speaker: 'caller' as const },
        { start: 4, end: 6, text: ' the code is 737.', speaker: 'caller' as const },
      ],
      DEFAULT,
    );
    expect(result).toEqual({
      segments: [
        { start: 0, end: 2.5, text: ' My card is [card number]', speaker: 'caller' },
        { start: 2.5, end: 4, text: '. And', speaker: 'caller' },
        { start: 4, end: 6, text: ' the code is [security code].', speaker: 'caller' },
      ],
      text: 'My card is [card number]. And the code is [security code].',
      counts: { 'card number': 1, 'security code': 1 },
      // no word times: each item's span runs over the whole segments it touches
      spans: [
        { start: 0, end: 4 },
        { start: 4, end: 6 },
      ],
    });
  });

  it('empties a segment that held only the middle of a spoken card', () => {
    const result = redactSegments(
      [
        { start: 0, end: 1, text: 'four one one one' },
        { start: 1, end: 2, text: 'one one one one one one one one' },
        { start: 2, end: 3, text: 'one one one one, thanks' },
      ],
      DEFAULT,
    );
    expect(result.segments.map((segment) => segment.text)).toEqual(['[card number]', '', ', thanks']);
    expect(result.text).toBe('[card number], thanks');
    expect(result.counts).toEqual({ 'card number': 1 });
  });

  it('returns untouched segments as they were', () => {
    const segments = [{ start: 0, end: 1, text: 'hello' }, { start: 1, end: 2, text: 'order 1234' }];
    const result = redactSegments(segments, DEFAULT);
    expect(result.segments).toEqual(segments);
    expect(result.segments[0]).toBe(segments[0]);
    expect(result).toMatchObject({ text: 'hello order 1234', counts: {} });
  });
});

describe('parseRedactKinds', () => {
  it.each<[string, RedactKind[]]>([
    ['', ['pci', 'ssn']],
    ['pci,ssn', ['pci', 'ssn']],
    [' PCI , Email ', ['pci', 'email']],
    ['pci,ssn,phone,email,pci', ['pci', 'ssn', 'phone', 'email']],
    ['none', []],
    ['NONE', []],
  ])('%j', (value, kinds) => {
    expect(parseRedactKinds(value)).toEqual(kinds);
  });

  it('names an unknown kind', () => {
    expect(() => parseRedactKinds('pci,cards')).toThrow('REDACT: unknown kind "cards"');
  });

  it('refuses none with other kinds', () => {
    expect(() => parseRedactKinds('none,pci')).toThrow('REDACT: "none" cannot be combined');
  });
});

// ── property: Luhn-valid numbers in random sentences never survive ────────────────────────────

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const FILLER = [
  'please', 'my', 'card', 'is', 'the', 'number', 'okay', 'so', "that's", 'thank you', 'let me read it', 'again',
  'sure', "it's", 'uh', 'um', 'one moment', 'for', 'to confirm', 'at 3:45 PM', '$12.50', 'order 5512', 'room 12',
  'yes', 'and', 'the total is 125 dollars', 'on April 3rd',
];

function speak(digits: string, random: () => number): string {
  const words: string[] = [];
  for (let index = 0; index < digits.length; ) {
    const digit = Number(digits[index]);
    const word = digit === 0 && random() < 0.5 ? 'oh' : (WORDS[digit] ?? '');
    if (digits[index + 1] === digits[index] && random() < 0.4) {
      words.push(`double ${word}`);
      index += 2;
    } else {
      words.push(word);
      index += 1;
    }
  }
  return words.join(' ');
}

function formatCard(card: string, random: () => number): string {
  const groups = card.match(/.{1,4}/g) ?? [card];
  const style = Math.floor(random() * 6);
  const joiner = [' ', '-', ', ', '. ', ' ', ', uh, '][style] ?? ' ';
  if (style === 4) return card;
  return groups
    .map((group) => (style === 5 || random() < 0.3 ? speak(group, random) : style >= 2 && random() < 0.5 ? speak(group, random) : group))
    .join(joiner);
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Digits left in the text once spoken digits are turned back into digits and separators dropped. */
function digitRuns(text: string): string[] {
  const normalized = text
    .toLowerCase()
    .replace(/\b(double|triple) (\w+)\b/g, (_, times: string, word: string) => `${word} `.repeat(times === 'double' ? 2 : 3))
    .replace(/\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b/g, (word) => String(word === 'oh' ? 0 : WORDS.indexOf(word)))
    .replace(/[\s,.\-]+/g, '');
  return normalized.match(/\d+/g) ?? [];
}

describe('property: Luhn-valid card numbers embedded in random sentences', () => {
  const random = mulberry32(20260203);
  const cases = Array.from({ length: 400 }, () => {
    const length = random() < 0.7 ? 16 : 13 + Math.floor(random() * 7);
    const body = Array.from({ length: length - 1 }, () => String(Math.floor(random() * 10))).join('');
    const card = withCheckDigit(body);
    const before = Array.from({ length: Math.floor(random() * 4) }, () => pick(FILLER, random));
    const after = Array.from({ length: Math.floor(random() * 4) }, () => pick(FILLER, random));
    const text = [...before, formatCard(card, random), ...after].join(' ');
    return { card, text };
  });

  it('never leaves a Luhn-valid 13–19 digit run (redactText)', () => {
    for (const { card, text } of cases) {
      const output = redactText(text, DEFAULT).text;
      const leaked = digitRuns(output).filter((run) => run.length >= 13 && run.length <= 19 && luhn(run));
      expect({ text, output, leaked }).toEqual({ text, output, leaked: [] });
      expect(digitRuns(output).join('|')).not.toContain(card);
    }
  });

  it('never leaves one when the sentence is cut into segments', () => {
    const cut = mulberry32(7);
    for (const { text } of cases) {
      const words = text.split(' ');
      const first = 1 + Math.floor(cut() * Math.max(1, words.length - 1));
      const second = first + Math.floor(cut() * (words.length - first));
      const segments = [words.slice(0, first), words.slice(first, second), words.slice(second)]
        .filter((part) => part.length > 0)
        .map((part, index) => ({ start: index, end: index + 1, text: ` ${part.join(' ')}` }));
      const result = redactSegments(segments, DEFAULT);
      const joined = result.segments.map((segment) => segment.text).join(' ');
      for (const output of [joined, result.text]) {
        const leaked = digitRuns(output).filter((run) => run.length >= 13 && run.length <= 19 && luhn(run));
        expect({ text, output, leaked }).toEqual({ text, output, leaked: [] });
      }
    }
  });
});
