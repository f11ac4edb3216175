import type { Finding } from './finding.ts';
import { findRedactions } from './find-redactions.ts';
import type { RedactKind } from './redact-kinds.ts';

export interface RedactedText {
  text: string;
  /** Masked items per tag name, e.g. `{ "card number": 1 }`; tags with none are absent. */
  counts: Record<string, number>;
}

/**
 * Masks PCI/PII in one text: each item becomes `[card number]`, `[security code]`,
 * `[expiry date]`, `[ssn]`, `[phone]` or `[email]`. Pure and deterministic; see
 * {@link findRedactions} for what is detected. `kinds` empty returns the text unchanged.
 */
export function redactText(text: string, kinds: readonly RedactKind[]): RedactedText {
  const findings = findRedactions(text, kinds);
  return { text: applyFindings(text, findings), counts: countFindings(findings) };
}

/** Replaces sorted, non-overlapping findings with their tags. */
export function applyFindings(text: string, findings: readonly Finding[]): string {
  let result = '';
  let cursor = 0;
  for (const finding of findings) {
    result += `${text.slice(cursor, finding.start)}[${finding.tag}]`;
    cursor = finding.end;
  }
  return result + text.slice(cursor);
}

/** Counts per tag name. */
export function countFindings(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.tag] = (counts[finding.tag] ?? 0) + 1;
  return counts;
}
