import { JOINERS } from './joiners.ts';
import { labelledBefore } from './labelled-before.ts';
import type { NumberRun } from './number-runs.ts';
import type { NumberToken } from './number-tokens.ts';
import { followedByUnit } from './units.ts';

/**
 * A run of numbers joined by spoken words, cut into pieces: the numbers between two words
 * ("4000 0566" | mm-hmm | "5566 5556"). Per token: whether the gap before it is tight (only
 * spaces, `, . -`, "uh"; true for the first), and whether its piece looks like a phone number.
 */
export interface SpokenRun extends NumberRun {
  tight: boolean[];
  phoneLike: boolean[];
}

const SENTENCE_END = /[.!?\n]/;
// A phone number's groups (555-123-4567, 1 800 555 0199).
const PHONE_GROUPS = new Set(['3,3,4', '1,3,3,4']);

/**
 * Splits a run into the parts that may hold a card. A piece followed by a unit ("125
 * dollars") or after a `+` is dropped; a labelled piece ("order number …", "phone …") is
 * dropped with what follows it in the run up to the end of the sentence, since what follows
 * the label's number with only "okay" or "and" between is more of that number. `phones` holds the `start:end` spans of
 * written phone numbers; a piece that is exactly one of them is phone-like.
 */
export function spokenRuns(text: string, run: NumberRun, phones: ReadonlySet<string>): SpokenRun[] {
  const parts: SpokenRun[] = [];
  let current: SpokenRun = { tokens: [], tight: [], phoneLike: [] };
  const flush = (): void => {
    if (current.tokens.length > 0) parts.push(current);
    current = { tokens: [], tight: [], phoneLike: [] };
  };
  const pieces: NumberToken[][] = [];
  for (const [index, token] of run.tokens.entries()) {
    if (index === 0 || !JOINERS.card.test(gapBefore(text, run.tokens, index))) pieces.push([]);
    pieces[pieces.length - 1]?.push(token);
  }
  let labelled = false;
  let previousEnd = -1;
  for (const piece of pieces) {
    const first = piece[0];
    const last = piece[piece.length - 1];
    if (!first || !last) continue;
    // The label's number goes on until the sentence ends.
    if (labelled && previousEnd >= 0 && SENTENCE_END.test(text.slice(previousEnd, first.start))) labelled = false;
    previousEnd = last.end;
    labelled ||= labelledBefore(text, first.start);
    if (labelled) {
      flush();
      continue;
    }
    if (followedByUnit(text, last.end) || /\+\s?$/.test(text.slice(Math.max(0, first.start - 2), first.start))) {
      flush();
      continue;
    }
    const phoneLike = PHONE_GROUPS.has(groupsOf(text, piece)) || phones.has(`${first.start}:${last.end}`);
    for (const [index, token] of piece.entries()) {
      current.tight.push(index > 0);
      current.phoneLike.push(phoneLike);
      current.tokens.push(token);
    }
  }
  flush();
  return parts;
}

/** The text between token `index - 1` and token `index`; empty for the first. */
export function gapBefore(text: string, tokens: readonly NumberToken[], index: number): string {
  const previous = tokens[index - 1];
  const token = tokens[index];
  return previous && token ? text.slice(previous.end, token.start) : '';
}

/** Digit groups of a piece ("3,3,4"): split where the gap holds punctuation, or between two written numbers. */
function groupsOf(text: string, piece: readonly NumberToken[]): string {
  const groups: number[] = [];
  for (const [index, token] of piece.entries()) {
    const previous = piece[index - 1];
    const written = previous !== undefined && isDigit(text[token.start]) && isDigit(text[previous.end - 1]);
    if (index === 0 || /\S/.test(gapBefore(text, piece, index)) || written) groups.push(0);
    groups[groups.length - 1] = (groups[groups.length - 1] ?? 0) + token.digits.length;
  }
  return groups.join(',');
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
