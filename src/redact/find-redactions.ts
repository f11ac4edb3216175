import { findCardDetails } from './card-details.ts';
import { findCardNumbers } from './card-numbers.ts';
import { findEmailAddresses } from './email-addresses.ts';
import { overlapsAny, type Finding } from './finding.ts';
import { scanNumberTokens } from './number-tokens.ts';
import { findPhoneNumbers } from './phone-numbers.ts';
import type { RedactKind } from './redact-kinds.ts';
import { findSsns } from './ssn.ts';

/**
 * Everything to mask in `text` for the requested kinds: non-overlapping, sorted by position.
 *
 * Detectors run from the most to the least specific — card numbers (Luhn), SSNs, phone
 * numbers, then security codes and expiry dates near a card, then e-mail — and a later one
 * never claims characters an earlier one took, so a card's digits are never counted twice.
 */
export function findRedactions(text: string, kinds: readonly RedactKind[]): Finding[] {
  if (kinds.length === 0) return [];
  const tokens = scanNumberTokens(text);
  const taken: Finding[] = [];
  const add = (found: readonly Finding[]): void => {
    for (const finding of found) {
      if (finding.end > finding.start && !overlapsAny(finding.start, finding.end, taken)) taken.push(finding);
    }
  };

  const cards = kinds.includes('pci') ? findCardNumbers(text, tokens) : [];
  add(cards);
  if (kinds.includes('ssn')) add(findSsns(text, tokens, taken));
  if (kinds.includes('phone')) add(findPhoneNumbers(text, tokens, taken));
  if (kinds.includes('pci')) add(findCardDetails(text, tokens, cards, taken));
  if (kinds.includes('email')) add(findEmailAddresses(text));
  return taken.sort((a, b) => a.start - b.start);
}
