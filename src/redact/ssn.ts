import { overlapsAny, type Finding } from './finding.ts';
import { JOINERS } from './joiners.ts';
import { buildRuns, trimHomophones, windowOf } from './number-runs.ts';
import type { NumberToken } from './number-tokens.ts';
import { followedByUnit } from './units.ts';

/** Characters after "social security", "SSN"… in which a 9-digit (or "last four") number counts. */
export const SSN_CONTEXT_CHARS = 150;

// The dashed form is distinctive enough to mask anywhere.
const DASHED = /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g;
const TRIGGER = /\b(?:social(?:\s+security)?(?:\s+(?:number|no\b\.?|#))?|ssn|s\.\s?s\.\s?n\b\.?)/gi;

/**
 * US Social Security numbers: `###-##-####` anywhere; and, within {@link SSN_CONTEXT_CHARS}
 * after an SSN phrase, 9 digits in any grouping or spoken ("one two three, four five, …"),
 * or the 4 digits of "the last four of your social".
 */
export function findSsns(text: string, tokens: readonly NumberToken[], taken: readonly Finding[]): Finding[] {
  const findings: Finding[] = [];
  for (const match of text.matchAll(DASHED)) {
    const end = match.index + match[0].length;
    if (!overlapsAny(match.index, end, taken)) findings.push({ start: match.index, end, tag: 'ssn' });
  }
  const triggers = [...text.matchAll(TRIGGER)].map((match) => match.index + match[0].length);
  if (triggers.length === 0) return findings;
  for (const run of buildRuns(text, tokens, JOINERS.card, [...taken, ...findings]).map(trimHomophones)) {
    const whole = windowOf(run, 0, run.tokens.length);
    if (whole.digits.length !== 9 && whole.digits.length !== 4) continue;
    if (!triggers.some((end) => whole.start >= end && whole.start <= end + SSN_CONTEXT_CHARS)) continue;
    if (followedByUnit(text, whole.end)) continue;
    findings.push({ start: whole.start, end: whole.end, tag: 'ssn' });
  }
  return findings;
}
