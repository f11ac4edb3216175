import { cardBrand } from './card-brands.ts';
import type { Finding } from './finding.ts';
import { isLuhnValid } from './luhn.ts';
import { buildRuns, pickWindows, type RunWindow } from './number-runs.ts';
import type { NumberToken } from './number-tokens.ts';
import { SPOKEN_JOINER } from './spoken-joiners.ts';
import { gapBefore, spokenRuns, type SpokenRun } from './spoken-pieces.ts';

// A gap with one of these is a clause break: a group may start or end there even when the
// piece around it continues ("ticket 12, 4000 0566, mm-hmm, …").
export const CLAUSE_BREAK = /[,.;:!?\n]/;
// A phone number as written: (846) 752-1240, 846.752.1240, +1 846 752 1240. Whatever words
// stand around it, it is not a card group.
const WRITTEN_PHONE = /(?<![\d-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\d-])/g;
// Month/day or an expiry (4/26, 04/27): never a card group, whatever words stand around it.
const SHORT_SLASHED = /(?<![\d/])(?:0?[1-9]|1[0-2])\/\d{1,2}(?![\d/])/g;
// Words that say the next digits continue a number already begun ("the middle is", "it ends
// in", "then", "y termina en"): a card does not start right after them, nor end right before.
const CONTINUATION =
  /(?<!\p{L})(?:middle|rest|next|last|ends?|ending|finishes|then|followed|after\s+that|termina|acaba|luego|despu[eé]s|siguientes?|medio)(?!\p{L})/iu;

/**
 * Card numbers an issuer could have issued (Luhn-valid, IIN range and length of a network),
 * also when their digit groups are separated by words ("4000 0566, mm-hmm, 5566 5556", "it
 * starts with … the middle is … and it ends in …"), slashes or line breaks.
 *
 * Words join unrelated numbers as readily as card groups, hence the issuer check; and pieces
 * (the numbers between words) that are labelled ("order", "phone"), follow a `+`, are followed
 * by a unit ("dollars") or shaped like a phone number never take part; and a window starts and
 * ends at a piece edge or a clause break. A window without words in it ranks above one with
 * words, so a card read in one breath is never cut to make a bridged one — unless it starts
 * right after "the middle is", "then"…, which say a number was begun before; then windows that
 * match piece edges exactly, then the longest: a shorter window that happens to pass Luhn
 * would leave the card's last group behind.
 */
export function findSpokenCards(text: string, tokens: readonly NumberToken[]): Finding[] {
  const inside = (pattern: RegExp): ((token: NumberToken) => boolean) => {
    const spans = [...text.matchAll(pattern)].map((match) => [match.index, match.index + match[0].length] as const);
    return (token) => spans.some(([start, end]) => token.start >= start && token.end <= end);
  };
  const slashed = inside(SHORT_SLASHED);
  const phones = [...text.matchAll(WRITTEN_PHONE)].map((match) => `${match.index}:${match.index + match[0].length}`);
  const findings: Finding[] = [];
  for (const run of buildRuns(text, tokens.filter((token) => !slashed(token)), SPOKEN_JOINER)) {
    for (const part of spokenRuns(text, run, new Set(phones))) {
      for (const window of pickWindows(part, 13, 19, (candidate) => scoreSpoken(text, candidate, part))) {
        findings.push({ start: window.start, end: window.end, tag: 'card number' });
      }
    }
  }
  return findings;
}

function scoreSpoken(text: string, window: RunWindow, run: SpokenRun): number | undefined {
  const bridges = run.tight.slice(window.from + 1, window.to).some((tight) => !tight);
  if (!isLuhnValid(window.digits) || !cardBrand(window.digits)) return undefined;
  // A card may end in a phone-shaped piece ("442, that's 992 007 4868") but never starts with
  // one: "415 555 0134, okay, 123" is a phone number and something else.
  if (bridges && run.phoneLike[window.from]) return undefined;
  const startsPiece = !run.tight[window.from];
  const endsPiece = window.to === run.tokens.length || !run.tight[window.to];
  const startsClause = startsPiece || CLAUSE_BREAK.test(gapBefore(text, run.tokens, window.from));
  const endsClause = endsPiece || CLAUSE_BREAK.test(gapBefore(text, run.tokens, window.to));
  if (!startsClause || !endsClause) return undefined;
  const weakEdges = Number(run.tokens[window.from]?.weak ?? false) + Number(run.tokens[window.to - 1]?.weak ?? false);
  const continues = window.from > 0 && CONTINUATION.test(gapBefore(text, run.tokens, window.from));
  const continued = window.to < run.tokens.length && CONTINUATION.test(gapBefore(text, run.tokens, window.to));
  return (bridges ? 100 : 200) - (continues || continued ? 150 : 0) - 50 * weakEdges + (startsPiece ? 10 : 0) + (endsPiece ? 10 : 0) + window.digits.length;
}
