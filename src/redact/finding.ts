/** The tags written in place of masked text; counts are keyed by these names. */
export type RedactTag = 'card number' | 'security code' | 'expiry date' | 'ssn' | 'phone' | 'email';

/** A character range of the text to replace with `[tag]`; `end` is exclusive. */
export interface Finding {
  start: number;
  end: number;
  tag: RedactTag;
}

/** True when [start, end) shares at least one character with a finding. */
export function overlapsAny(start: number, end: number, findings: readonly Finding[]): boolean {
  return findings.some((finding) => start < finding.end && finding.start < end);
}
