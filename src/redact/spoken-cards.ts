import { cardBrand } from './card-brands.ts';
import type { Finding } from './finding.ts';
import { JOINERS } from './joiners.ts';
import { labelledBefore } from './labelled-before.ts';
import { isLuhnValid } from './luhn.ts';
import { buildRuns, pickWindows, type NumberRun, type RunWindow } from './number-runs.ts';
import type { NumberToken } from './number-tokens.ts';
import { SPOKEN_JOINER } from './spoken-joiners.ts';
import { followedByUnit } from './units.ts';

/** A run of numbers joined by spoken words, with which gaps are tight (punctuation only). */
interface SpokenRun extends NumberRun {
  /** `tight[i]`: the gap before token i holds only spaces, `, . -` or "uh"; tight[0] is true. */
  tight: boolean[];
}

// A gap with one of these is a clause break: a group may start or end there even when the
// piece around it continues ("ticket 12, 4000 0566, mm-hmm, …").
export const CLAUSE_BREAK = /[,.;:!?\n]/;
// A phone number's shape (555-123-4567, "one, eight hundred…" is not a card group pattern).
const PHONE_GROUPS = new Set(['3,3,4', '1,3,3,4']);

/**
 * Card numbers an issuer could have issued (Luhn-valid, IIN range and length of a network),
 * also when their digit groups are separated by words ("4000 0566, mm-hmm, 5566 5556", "it
 * starts with … the middle is … and it ends in …"), slashes or line breaks.
 *
 * Words join unrelated numbers as readily as card groups, hence the issuer check; and pieces
 * (the numbers between words) that are labelled ("order", "phone"), follow a `+`, are followed
 * by a unit ("dollars") or shaped like a phone number never take part; and a window starts and
 * ends at a piece edge or a clause break. A window without words in it ranks above one with
 * words, so a card read in one breath is never cut to make a bridged one; then windows that
 * match piece edges exactly, then the length closest to 16.
 */
export function findSpokenCards(text: string, tokens: readonly NumberToken[]): Finding[] {
  const findings: Finding[] = [];
  for (const run of buildRuns(text, tokens, SPOKEN_JOINER)) {
    for (const part of withoutBlockedPieces(text, run)) {
      for (const window of pickWindows(part, 13, 19, (candidate) => scoreSpoken(text, candidate, part))) {
        findings.push({ start: window.start, end: window.end, tag: 'card number' });
      }
    }
  }
  return findings;
}

function gapBefore(text: string, tokens: readonly NumberToken[], index: number): string {
  const previous = tokens[index - 1];
  const token = tokens[index];
  return previous && token ? text.slice(previous.end, token.start) : '';
}

/** Splits a run at its pieces that cannot be card groups, and marks the tight gaps. */
function withoutBlockedPieces(text: string, run: NumberRun): SpokenRun[] {
  const parts: SpokenRun[] = [];
  let current: NumberToken[] = [];
  const flush = (): void => {
    if (current.length > 0) {
      const tokens = current;
      parts.push({ tokens, tight: tokens.map((_, index) => index === 0 || JOINERS.card.test(gapBefore(text, tokens, index))) });
    }
    current = [];
  };
  let piece: NumberToken[] = [];
  const endPiece = (): void => {
    if (piece.length === 0) return;
    if (isBlocked(text, piece)) flush();
    else current.push(...piece);
    piece = [];
  };
  for (const [index, token] of run.tokens.entries()) {
    if (index > 0 && !JOINERS.card.test(gapBefore(text, run.tokens, index))) endPiece();
    piece.push(token);
  }
  endPiece();
  flush();
  return parts;
}

function isBlocked(text: string, piece: readonly NumberToken[]): boolean {
  const first = piece[0];
  const last = piece[piece.length - 1];
  if (!first || !last) return true;
  if (labelledBefore(text, first.start) || followedByUnit(text, last.end)) return true;
  if (/\+\s?$/.test(text.slice(Math.max(0, first.start - 2), first.start))) return true;
  // Groups inside a piece: split where the gap holds punctuation, or between two written numbers.
  const groups: number[] = [];
  for (const [index, token] of piece.entries()) {
    const gap = gapBefore(text, piece, index);
    const previous = piece[index - 1];
    const written = previous !== undefined && isDigit(text[token.start]) && isDigit(text[previous.end - 1]);
    if (index === 0 || /[^\s]/.test(gap) || written) groups.push(0);
    groups[groups.length - 1] = (groups[groups.length - 1] ?? 0) + token.digits.length;
  }
  return PHONE_GROUPS.has(groups.join(','));
}

function scoreSpoken(text: string, window: RunWindow, run: SpokenRun): number | undefined {
  const bridges = run.tight.slice(window.from + 1, window.to).some((tight) => !tight);
  if (!isLuhnValid(window.digits) || !cardBrand(window.digits)) return undefined;
  const startsPiece = !run.tight[window.from] || window.from === 0;
  const endsPiece = window.to === run.tokens.length || !run.tight[window.to];
  const startsClause = startsPiece || CLAUSE_BREAK.test(gapBefore(text, run.tokens, window.from));
  const endsClause = endsPiece || CLAUSE_BREAK.test(gapBefore(text, run.tokens, window.to));
  if (!startsClause || !endsClause) return undefined;
  const weakEdges = Number(run.tokens[window.from]?.weak ?? false) + Number(run.tokens[window.to - 1]?.weak ?? false);
  return (bridges ? 100 : 200) - 50 * weakEdges + (startsPiece ? 10 : 0) + (endsPiece ? 10 : 0) - Math.abs(window.digits.length - 16);
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
