import type { Finding, RedactTag } from './finding.ts';
import { labelledBefore } from './labelled-before.ts';
import { JOINERS } from './joiners.ts';
import { buildRuns, trimHomophones, windowOf, type NumberRun, type RunWindow } from './number-runs.ts';
import type { NumberToken } from './number-tokens.ts';
import { followedByUnit } from './units.ts';

/** Characters after a card number, or after a trigger phrase, in which codes and dates count. */
export const CARD_CONTEXT_CHARS = 200;
export const TRIGGER_CONTEXT_CHARS = 120;

type AnchorKind = 'card' | 'security code' | 'expiry date';

interface Anchor {
  kind: AnchorKind;
  end: number;
  until: number;
}

const SECURITY_CODE_TRIGGER = new RegExp(
  String.raw`\b(?:security\s+code|cvv2?|cvc2?|csc|cid|card\s+verification(?:\s+(?:code|value|number))?|` +
    String.raw`verification\s+(?:code|value|number)|(?:three|four|3|4)[\s-]digits?\s+(?:code|number)|` +
    String.raw`(?:code|digits|number)\s+on\s+the\s+back|back\s+of\s+(?:the|your)\s+card|` +
    String.raw`c[oó]digo\s+de\s+(?:seguridad|verificaci[oó]n)|(?:tres|cuatro)\s+d[ií]gitos)(?!\p{L})`,
  'giu',
);
const EXPIRY_TRIGGER =
  /\b(?:expir\w*|exp\b\.?|valid\s+(?:thru|through|until)|good\s+(?:thru|through)|vence\w*|vencimiento|caduca\w*)/gi;
const MONTH = new RegExp(
  String.raw`\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|` +
    String.raw`sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?`,
  'gi',
);
const MONTH_TO_YEAR = /^[\s,]*(?:of\s+)?'?$/i;
// Inside a card context, "code 1234" or "the pin 1234" is a code even when "expires" came last.
const CODE_WORD_BEFORE =
  /\b(?:code|c[oó]digo|cvv2?|cvc2?|csc|cid|pin|digits)\b[^A-Za-z0-9]*(?:(?:is|it's|its|are|of)\b[^A-Za-z0-9]*)*$/i;

/**
 * Security codes (3–4 digits) and expiry dates (`04/27`, "oh four twenty seven", "April 2027",
 * `12/2027`) — but only near a card: within {@link CARD_CONTEXT_CHARS} after a card number
 * or {@link TRIGGER_CONTEXT_CHARS} after "security code", "CVV", "expiration", "expires"….
 * Elsewhere the same digits are times, amounts or order numbers and stay.
 *
 * The nearest preceding anchor decides between code and date: after "security code" a
 * 4-digit number is a code; after "expires" `427` is April '27; right after a card, a date
 * needs a slash, a leading zero or a 4-digit year. An expiry followed by a code in one run
 * ("oh four twenty seven, seven three seven") is split in two. Numbers followed by a unit
 * ("125 dollars", "three PM") or introduced by a label ("order 5512") are never codes.
 */
export function findCardDetails(
  text: string,
  tokens: readonly NumberToken[],
  cards: readonly Finding[],
  taken: readonly Finding[],
): Finding[] {
  const anchors: Anchor[] = cards.map((card) => ({
    kind: 'card',
    end: card.end,
    until: card.end + CARD_CONTEXT_CHARS,
  }));
  const triggers = [[SECURITY_CODE_TRIGGER, 'security code'], [EXPIRY_TRIGGER, 'expiry date']] as const;
  for (const [pattern, kind] of triggers) {
    for (const match of text.matchAll(pattern)) {
      const end = match.index + match[0].length;
      anchors.push({ kind, end, until: end + TRIGGER_CONTEXT_CHARS });
    }
  }
  if (anchors.length === 0) return [];

  let runs = buildRuns(text, tokens, JOINERS.detail, taken)
    .map(trimHomophones)
    .filter((run) => run.tokens.length > 0);
  const findings: Finding[] = [];

  for (const month of text.matchAll(MONTH)) {
    if (!nearestAnchor(month.index, anchors)) continue;
    const monthEnd = month.index + month[0].length;
    const run = runs.find((candidate) => {
      const start = candidate.tokens[0]?.start ?? -1;
      return start >= monthEnd && MONTH_TO_YEAR.test(text.slice(monthEnd, start));
    });
    const year = run && yearPrefix(run);
    if (!run || !year) continue;
    findings.push({ start: month.index, end: year.end, tag: 'expiry date' });
    // Whatever follows the year in the same run ("April 2027, 737") is still classified.
    const rest: NumberRun = { tokens: run.tokens.slice(year.to) };
    runs = runs.flatMap((candidate) => (candidate !== run ? [candidate] : rest.tokens.length > 0 ? [rest] : []));
  }

  for (const run of runs) {
    const whole = windowOf(run, 0, run.tokens.length);
    const anchor = nearestAnchor(whole.start, anchors);
    if (!anchor || followedByUnit(text, whole.end)) continue;
    if (labelledBefore(text, whole.start)) continue;
    const codeWord = CODE_WORD_BEFORE.test(text.slice(Math.max(0, whole.start - 30), whole.start));
    const near = codeWord ? 'security code' : anchor;
    for (const { window, tag } of classify(text, run, whole, near)) {
      findings.push({ start: window.start, end: window.end, tag });
    }
  }
  return findings;
}

/** The year right after a month name: `2027` / "twenty twenty seven" first, else `27`. */
function yearPrefix(run: NumberRun): RunWindow | undefined {
  const prefixes = run.tokens.map((_, index) => windowOf(run, 0, index + 1));
  return (
    prefixes.find((window) => /^20\d\d$/.test(window.digits)) ??
    prefixes.find((window) => window.digits.length === 2)
  );
}

function nearestAnchor(position: number, anchors: readonly Anchor[]): AnchorKind | undefined {
  let nearest: Anchor | undefined;
  for (const anchor of anchors) {
    if (position < anchor.end || position > anchor.until) continue;
    if (!nearest || anchor.end > nearest.end) nearest = anchor;
  }
  return nearest?.kind;
}

function classify(
  text: string,
  run: NumberRun,
  whole: RunWindow,
  near: AnchorKind,
): Array<{ window: RunWindow; tag: RedactTag }> {
  const tag = classifyWhole(text, whole, near);
  if (tag) return [{ window: whole, tag }];
  if (whole.digits.length < 6 || whole.digits.length > 10) return [];
  for (let split = 1; split < run.tokens.length; split += 1) {
    const date = windowOf(run, 0, split);
    const code = windowOf(run, split, run.tokens.length);
    if (isExpiry(text, date, near === 'expiry date') && isSecurityCode(code)) {
      return [{ window: date, tag: 'expiry date' }, { window: code, tag: 'security code' }];
    }
  }
  return [];
}

function classifyWhole(text: string, window: RunWindow, near: AnchorKind): RedactTag | undefined {
  if (near === 'security code' && isSecurityCode(window)) return 'security code';
  if (isExpiry(text, window, near === 'expiry date')) return 'expiry date';
  return isSecurityCode(window) ? 'security code' : undefined;
}

function isSecurityCode(window: RunWindow): boolean {
  return window.digits.length === 3 || window.digits.length === 4;
}

/**
 * M/YY, MM/YY, M/YYYY or MM/YYYY (20xx). Short forms are too ambiguous on their own (`737`
 * could be a code), so they need an expiry word just before, a slash, or a leading zero.
 */
function isExpiry(text: string, window: RunWindow, afterExpiryWord: boolean): boolean {
  const digits = window.digits;
  const slash = /\/|\bslash\b/i.test(text.slice(window.start, window.end));
  const month = (value: string): boolean => Number(value) >= 1 && Number(value) <= 12;
  const longYear = (value: string): boolean => /^20\d\d$/.test(value);
  switch (digits.length) {
    case 3:
      return month(digits.slice(0, 1)) && (afterExpiryWord || slash);
    case 4:
      return month(digits.slice(0, 2)) && (afterExpiryWord || slash || digits.startsWith('0'));
    case 5:
      return month(digits.slice(0, 1)) && longYear(digits.slice(1)) && (afterExpiryWord || slash);
    case 6:
      return month(digits.slice(0, 2)) && longYear(digits.slice(2));
    default:
      return false;
  }
}
