import type { Finding } from './finding.ts';
import { JOINERS } from './joiners.ts';
import { isLuhnValid } from './luhn.ts';
import { buildRuns, pickWindows, type NumberRun, type RunWindow } from './number-runs.ts';
import type { NumberToken } from './number-tokens.ts';
import { findSpokenCards } from './spoken-cards.ts';
import { GROUP_ANNOUNCEMENT } from './spoken-joiners.ts';

interface Network {
  prefix: RegExp;
  lengths: readonly number[];
}

// Issuer prefixes and lengths only rank candidates; any Luhn-valid 13–19 digit number is masked.
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
 * words, possibly run together with other numbers ("ticket 12, 4111 1111 1111 1111").
 *
 * Within one run of numbers the best window wins: a known issuer prefix with a length that
 * issuer uses, then a known prefix, then any Luhn-valid number; a window starting or ending on
 * a doubtful word ("oh", "for") ranks lower; among equals the length closest to 16, then the
 * leftmost. The rest of the run is searched again, so two cards read back to back are both found.
 */
export function findCardNumbers(text: string, tokens: readonly NumberToken[]): Finding[] {
  const digits = withoutAnnouncements(text, tokens);
  const findings: Finding[] = [];
  for (const run of buildRuns(text, digits, JOINERS.card)) {
    for (const window of pickWindows(run, 13, 19, scoreCard)) {
      findings.push({ start: window.start, end: window.end, tag: 'card number' });
    }
  }
  // Then what is left, with words between the groups ("4000 0566, mm-hmm, 5566 5556").
  findings.push(...findSpokenCards(text, digits, findings));
  return findings.sort((a, b) => a.start - b.start);
}

/** Drops the digit words of "the next four are", "los últimos cuatro": they count groups, not digits. */
function withoutAnnouncements(text: string, tokens: readonly NumberToken[]): NumberToken[] {
  const spans = [...text.matchAll(GROUP_ANNOUNCEMENT)].map((match) => [match.index, match.index + match[0].length] as const);
  if (spans.length === 0) return [...tokens];
  return tokens.filter((token) => !spans.some(([start, end]) => token.start >= start && token.end <= end));
}

function scoreCard(window: RunWindow, run: NumberRun): number | undefined {
  if (!isLuhnValid(window.digits)) return undefined;
  const length = window.digits.length;
  const networks = NETWORKS.filter((network) => network.prefix.test(window.digits));
  const issuer = networks.some((network) => network.lengths.includes(length)) ? 3 : networks.length > 0 ? 2 : 1;
  const weakEdges = Number(run.tokens[window.from]?.weak ?? false) + Number(run.tokens[window.to - 1]?.weak ?? false);
  return (issuer - weakEdges) * 100 - Math.abs(length - 16);
}
