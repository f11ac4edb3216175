import { describe, expect, it } from 'vitest';
import type { RedactKind } from '../../src/redact/redact-kinds.ts';
import { redactSegments } from '../../src/redact/redact-segments.ts';
import { redactText } from '../../src/redact/redact-text.ts';
import { cardUtterance, PUBLISHED_TEST_CARDS } from '../helpers/card-utterances.ts';
import { nonCardUtterance } from '../helpers/non-card-utterances.ts';
import { luhn, seededRandom } from '../helpers/seeded-random.ts';
import { digitSequences } from '../helpers/spoken-digits.ts';

// Change with CORPUS_SEED=… to explore; a failure names the seed so it can be replayed.
const SEED = Number(process.env['CORPUS_SEED'] ?? 20261130);
const CARDS = 600;
const NON_CARDS = 600;
const DEFAULT: RedactKind[] = ['pci', 'ssn'];

describe(`generated corpus (seed ${SEED})`, () => {
  const random = seededRandom(SEED);
  const cards = Array.from({ length: CARDS }, (_, index) => cardUtterance(random, index));
  const nonCards = Array.from({ length: NON_CARDS }, (_, index) => nonCardUtterance(random, index));

  it('builds what it claims: Luhn-valid cards of every brand in many shapes', () => {
    expect(PUBLISHED_TEST_CARDS.every(luhn)).toBe(true);
    expect(cards.every(({ card }) => luhn(card) && card.length >= 13 && card.length <= 19)).toBe(true);
    const brands = new Set(cards.map(({ brand }) => brand));
    expect([...brands].sort()).toEqual(['amex', 'diners', 'discover', 'jcb', 'maestro', 'mastercard', 'published', 'unionpay', 'visa']);
    const texts = cards.map(({ segments }) => segments.map((segment) => segment.text).join(' '));
    for (const marker of ['mm-hmm', 'the middle is', 'ends in', '/', '\n', 'cuatro', 'double', ' y ']) {
      expect(texts.some((text) => text.includes(marker)), marker).toBe(true);
    }
    expect(cards.some(({ segments }) => segments.some((segment) => segment.speaker === 'agent'))).toBe(true);
    expect(cards.filter(({ segments }) => segments.length > 1).length).toBeGreaterThan(CARDS / 4);
  });

  it(`recall: no digit of ${CARDS} spoken cards survives (redactSegments)`, () => {
    const missed: Array<{ card: string; input: string; output: string }> = [];
    for (const { card, segments } of cards) {
      const result = redactSegments(segments, DEFAULT);
      const output = result.segments.map((segment) => segment.text).join(' | ');
      // Every digit in these utterances is card data (PAN, expiry, code): none may be left,
      // neither as digits nor as words that map back to them, in the segments or the joined text.
      const left = [...digitSequences(output), ...digitSequences(result.text)];
      if (left.length > 0 || !result.counts['card number']) {
        missed.push({ card, input: segments.map((segment) => segment.text).join(' | '), output });
      }
    }
    console.log(`redaction corpus seed ${SEED}: recall ${CARDS - missed.length}/${CARDS} card utterances`);
    expect(missed.slice(0, 5), `seed ${SEED}: ${missed.length} cards leaked`).toEqual([]);
  });

  it(`false positives: ${NON_CARDS} sentences of other numbers come back unchanged`, () => {
    const changed: Array<{ input: string; output: string }> = [];
    for (const input of nonCards) {
      const text = redactText(input, DEFAULT);
      const parts = input.split(/(?<=,) /);
      const segments = redactSegments(parts.map((part, index) => ({ start: index, end: index + 1, text: part })), DEFAULT);
      if (text.text !== input || Object.keys(text.counts).length > 0 || Object.keys(segments.counts).length > 0) {
        changed.push({ input, output: text.text });
      }
    }
    console.log(`redaction corpus seed ${SEED}: false positives ${changed.length}/${NON_CARDS} non-card utterances`);
    expect(changed.slice(0, 5), `seed ${SEED}: ${changed.length} false positives`).toEqual([]);
  });
});
