import type { Finding } from './finding.ts';
import { JOINERS } from './joiners.ts';
import { buildRuns, pickWindows, type RunWindow } from './number-runs.ts';
import type { NumberToken } from './number-tokens.ts';

/**
 * Phone numbers: 10 digits (NANP area code 2–9), 11 starting with 1, or 8–15 digits after a
 * `+`; written in any grouping (`(555) 123-4567`, `555.123.4567`, `+44 20 7946 0958`) or
 * spoken digit by digit. An opening parenthesis or `+` in front is masked with the number.
 */
export function findPhoneNumbers(text: string, tokens: readonly NumberToken[], taken: readonly Finding[]): Finding[] {
  const findings: Finding[] = [];
  for (const run of buildRuns(text, tokens, JOINERS.phone, taken)) {
    const score = (window: RunWindow): number | undefined => {
      const digits = window.digits;
      if (/\+\s?$/.test(text.slice(Math.max(0, window.start - 2), window.start))) {
        return digits.length >= 8 && digits.length <= 15 ? 300 + digits.length : undefined;
      }
      if (digits.length === 11 && digits.startsWith('1')) return 200;
      return digits.length === 10 && /^[2-9]/.test(digits) ? 100 : undefined;
    };
    for (const window of pickWindows(run, 8, 15, score)) {
      const lead = /(?:\+\s?|\()$/.exec(text.slice(Math.max(0, window.start - 2), window.start));
      findings.push({ start: window.start - (lead?.[0].length ?? 0), end: window.end, tag: 'phone' });
    }
  }
  return findings;
}
