import type { Finding } from './finding.ts';

const WRITTEN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Spoken: "john dot smith at example dot com". The top-level domain list keeps "meet me at
// the office" out; the local part is one word plus any "dot/underscore/dash <word>", after
// any letters spelled out one by one ("j doe").
const SPOKEN = new RegExp(
  String.raw`(?<![\w'\u2019])(?:[A-Za-z]\s+)*[A-Za-z0-9][\w+-]*` +
    String.raw`(?:\s+(?:dot|underscore|dash|hyphen)\s+[A-Za-z0-9][\w-]*)*` +
    String.raw`\s+at\s+[A-Za-z0-9][\w-]*(?:\s+dot\s+[A-Za-z0-9][\w-]*)*\s+dot\s+` +
    String.raw`(?:com|net|org|edu|gov|mil|info|biz|io|co|us|uk|ca|au|de|fr|me)\b`,
  'gi',
);

/** E-mail addresses, written (`jdoe@example.com`) or spoken ("j doe at gmail dot com"). */
export function findEmailAddresses(text: string): Finding[] {
  const findings: Finding[] = [];
  for (const pattern of [WRITTEN, SPOKEN]) {
    for (const match of text.matchAll(pattern)) {
      findings.push({ start: match.index, end: match.index + match[0].length, tag: 'email' });
    }
  }
  return findings;
}
