/** What `REDACT` can ask for: `pci` covers card numbers, security codes and expiry dates. */
export type RedactKind = 'pci' | 'ssn' | 'phone' | 'email';

export const REDACT_KINDS: readonly RedactKind[] = ['pci', 'ssn', 'phone', 'email'];

/** The default when `REDACT` is unset or empty: card data and SSNs never leave the box. */
export const DEFAULT_REDACT_KINDS: readonly RedactKind[] = ['pci', 'ssn'];

/**
 * Parses `REDACT`: a comma list of {@link REDACT_KINDS} (case and spaces ignored, duplicates
 * dropped), `none` for no redaction, empty for the default `pci,ssn`.
 *
 * @throws Error naming the unknown kind, or when `none` is combined with a kind.
 */
export function parseRedactKinds(value: string): RedactKind[] {
  const items = value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  if (items.length === 0) return [...DEFAULT_REDACT_KINDS];
  if (items.includes('none')) {
    if (items.some((item) => item !== 'none')) throw new Error('REDACT: "none" cannot be combined with other kinds');
    return [];
  }
  const kinds: RedactKind[] = [];
  for (const item of items) {
    const kind = REDACT_KINDS.find((known) => known === item);
    if (kind === undefined) {
      throw new Error(`REDACT: unknown kind "${item}" (expected a comma list of ${REDACT_KINDS.join(', ')}, or none)`);
    }
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}
