/** At most this many words per search: a pasted paragraph must not become a huge query. */
const MAX_TERMS = 12;

/**
 * The words of a console search, lower-cased: runs of letters and digits only, so quotes,
 * operators (`AND`, `NEAR`, `*`, `:`) and SQL never reach the full-text engine as syntax.
 * Both ledgers use it (FTS5 prefix terms; PostgreSQL `to_tsquery` prefix lexemes).
 */
export function searchTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_TERMS);
}
