import { cardBrand } from './card-brands.ts';
import type { Finding } from './finding.ts';
import { labelledBefore } from './labelled-before.ts';
import { JOINERS } from './joiners.ts';
import { isLuhnValid } from './luhn.ts';
import { buildRuns, pickWindows, type NumberRun, type RunWindow } from './number-runs.ts';
import type { NumberToken } from './number-tokens.ts';
import { CLAUSE_BREAK, findSpokenCards } from './spoken-cards.ts';
import { GROUP_ANNOUNCEMENT } from './spoken-joiners.ts';

interface Network {
  prefix: RegExp;
  lengths: readonly number[];
}

// Issuer prefixes and lengths only rank candidates here; any Luhn-valid 13–19 digit number
// read without words between its groups is masked.
const NETWORKS: readonly Network[] = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(?:5[1-5]|2[2-7])/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^3(?:0[0-5]|[689])/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^35/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^6(?:011|5|4[4-9]|2)/, lengths: [16, 17, 18, 19] }, // Discover, UnionPay
  { prefix: /^(?:5[06-9]|6)/, lengths: [13, 14, 15, 16, 17, 18, 19] }, // Maestro
];

/**
 * Card numbers (PANs): 13–19 digits, Luhn-valid, written with any grouping or spoken as
 * words (English or Spanish), possibly run together with other numbers ("ticket 12, 4111 …").
 *
 * First the cards an issuer could have issued, also across spoken words between groups
 * ("4000 0566, mm-hmm, 5566 5556"; see {@link findSpokenCards}). Then, in what is left, any
 * Luhn-valid number read without words in it: the best window of each run wins — a known
 * issuer prefix with a length that issuer uses, then a known prefix, then any; a window that
 * spans the whole run or starts and ends at a clause break ranks higher, one starting or
 * ending on a doubtful word ("oh", "for") lower; among equals the length closest to 16, then
 * the leftmost. The rest of the run is searched again, so cards read back to back are found.
 */
export function findCardNumbers(text: string, tokens: readonly NumberToken[]): Finding[] {
  const digits = withoutAnnouncements(text, tokens);
  const findings = findSpokenCards(text, digits);
  for (const run of buildRuns(text, digits, JOINERS.card, findings)) {
    const labelled = labelledBefore(text, run.tokens[0]?.start ?? 0);
    const score = (candidate: RunWindow): number | undefined =>
      labelled && !fitsLabelledRun(text, candidate, run) ? undefined : scoreCard(text, candidate, run);
    for (const window of pickWindows(run, 13, 19, score)) {
      findings.push({ start: window.start, end: window.end, tag: 'card number' });
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}

/** Drops the digit words of "the next four are", "los últimos cuatro": they count groups, not digits. */
function withoutAnnouncements(text: string, tokens: readonly NumberToken[]): NumberToken[] {
  const spans = [...text.matchAll(GROUP_ANNOUNCEMENT)].map((match) => [match.index, match.index + match[0].length] as const);
  if (spans.length === 0) return [...tokens];
  return tokens.filter((token) => !spans.some(([start, end]) => token.start >= start && token.end <= end));
}

/**
 * "order number 2141 9717 1100 0370 82" is an order number even where 16 of its digits pass
 * Luhn. Inside a labelled run a window counts only when it is the whole run, one written
 * number on its own ("room 12 6136171047026"), or where it looks like a number of its own at
 * both ends: at the run's edge, or set off from its neighbour by another separator or by words
 * instead of digits ("order 5512 9907-2126-2767-three three nine oh-27"); or a printed card
 * after the label's one number ("order 5512 8181 4769 5338 8085").
 */
function fitsLabelledRun(text: string, window: RunWindow, run: NumberRun): boolean {
  if (window.to - window.from === 1) return true;
  if (window.from === 1 && window.to === run.tokens.length && isPrinted(run, window)) return true;
  // Commas do not set a number off here: the label's own number is read with them too.
  const { opens, closes } = setOff(text, window, run, false);
  return opens && closes;
}

/** Whether the window's first and last digits look like the ends of a number of their own. */
function setOff(text: string, window: RunWindow, run: NumberRun, clauses = true): { opens: boolean; closes: boolean } {
  const tokens = run.tokens;
  const kind = (index: number): string => (/\d/.test(text[tokens[index]?.start ?? 0] ?? '') ? 'written' : 'spoken');
  const separator = (index: number): string => text.slice(tokens[index - 1]?.end ?? 0, tokens[index]?.start ?? 0).trim() || ' ';
  const opens = window.from === 0 || kind(window.from - 1) !== kind(window.from) ||
    separator(window.from) !== separator(window.from + 1);
  const closes = window.to === tokens.length || kind(window.to) !== kind(window.to - 1) ||
    separator(window.to) !== separator(window.to - 1) || (clauses && CLAUSE_BREAK.test(separator(window.to)));
  return { opens: opens || (clauses && CLAUSE_BREAK.test(separator(window.from))), closes };
}

function scoreCard(text: string, window: RunWindow, run: NumberRun): number | undefined {
  if (!isLuhnValid(window.digits)) return undefined;
  const length = window.digits.length;
  const networks = NETWORKS.filter((network) => network.prefix.test(window.digits));
  const issuer = networks.some((network) => network.lengths.includes(length)) ? 3 : networks.length > 0 ? 2 : 1;
  const first = run.tokens[window.from];
  const last = run.tokens[window.to - 1];
  const { opens, closes } = setOff(text, window, run);
  // Without an issuer prefix only Luhn speaks for the window: one cut out of the middle of a
  // longer number written in even groups ("tracking 6467 7474 1253 7596 4") is a coincidence,
  // unless it is printed like a card ("order 5512 7579 8769 3904 5992"): a leak costs more
  // than a masked order number.
  const cut = (!opens && sameShape(run.tokens[window.from - 1], first)) || (!closes && sameShape(last, run.tokens[window.to]));
  if (issuer === 1 && cut && !isPrinted(run, window)) return undefined;
  const weakEdges = Number(first?.weak ?? false) + Number(last?.weak ?? false);
  return (issuer - weakEdges) * 100 + (opens ? 20 : 0) + (closes ? 20 : 0) - Math.abs(length - 16);
}

// How card numbers are printed: 4-4-4-4, Amex 4-6-5, Diners 4-6-4, 19 digits 4-4-4-4-3.
const PRINTED_GROUPS = new Set(['4,4,4,4', '4,6,5', '4,6,4', '4,4,4,4,3']);

/** 16 digits, or grouped like a printed card. */
function isPrinted(run: NumberRun, window: RunWindow): boolean {
  const groups = run.tokens.slice(window.from, window.to).map((token) => token.digits.length).join(',');
  return window.digits.length === 16 || PRINTED_GROUPS.has(groups);
}

function sameShape(a: NumberToken | undefined, b: NumberToken | undefined): boolean {
  return a !== undefined && b !== undefined && !a.weak && !b.weak && a.digits.length === b.digits.length;
}
