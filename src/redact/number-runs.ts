import type { Finding } from './finding.ts';
import type { NumberToken } from './number-tokens.ts';

/** Numbers read one after another with only joiners (spaces, commas, "uh", …) between them. */
export interface NumberRun {
  tokens: NumberToken[];
}

/** A slice of a run: tokens [from, to). */
export interface RunWindow {
  from: number;
  to: number;
  digits: string;
  start: number;
  end: number;
}

/**
 * Groups tokens into runs. Tokens inside existing findings are dropped, and since the text
 * between their neighbours then holds the masked characters, runs never bridge a finding.
 */
export function buildRuns(
  text: string,
  tokens: readonly NumberToken[],
  joiner: RegExp,
  taken: readonly Finding[] = [],
): NumberRun[] {
  const findings = [...taken].sort((a, b) => a.start - b.start);
  const runs: NumberRun[] = [];
  let current: NumberToken[] = [];
  let previous: NumberToken | undefined;
  let next = 0;
  for (const token of tokens) {
    // Tokens and findings are both in text order: one sweep finds any overlap.
    while (next < findings.length && (findings[next]?.end ?? 0) <= token.start) next += 1;
    const finding = findings[next];
    if (finding && finding.start < token.end) continue;
    if (previous && joiner.test(text.slice(previous.end, token.start))) {
      current.push(token);
    } else {
      if (current.length > 0) runs.push({ tokens: current });
      current = [token];
    }
    previous = token;
  }
  if (current.length > 0) runs.push({ tokens: current });
  return runs;
}

/** The window of tokens [from, to) of a run. */
export function windowOf(run: NumberRun, from: number, to: number): RunWindow {
  const tokens = run.tokens.slice(from, to);
  return {
    from,
    to,
    digits: tokens.map((token) => token.digits).join(''),
    start: tokens[0]?.start ?? 0,
    end: tokens[tokens.length - 1]?.end ?? 0,
  };
}

/** Drops "for"/"to" from both ends of a run: alone at an edge they are words, not digits. */
export function trimHomophones(run: NumberRun): NumberRun {
  let from = 0;
  let to = run.tokens.length;
  while (from < to && run.tokens[from]?.homophone) from += 1;
  while (to > from && run.tokens[to - 1]?.homophone) to -= 1;
  return { tokens: run.tokens.slice(from, to) };
}

/**
 * Picks non-overlapping windows of a run: the best-scoring window first (ties go to the
 * leftmost), then the best of those that do not overlap it, and so on — so two numbers read
 * back to back are both found. `score` returns undefined for windows that do not qualify;
 * windows are token-aligned, `minDigits`–`maxDigits` long.
 */
export function pickWindows(
  run: NumberRun,
  minDigits: number,
  maxDigits: number,
  score: (window: RunWindow, run: NumberRun) => number | undefined,
): RunWindow[] {
  const candidates: Array<{ window: RunWindow; score: number }> = [];
  for (let from = 0; from < run.tokens.length; from += 1) {
    let digits = '';
    for (let to = from + 1; to <= run.tokens.length; to += 1) {
      digits += run.tokens[to - 1]?.digits ?? '';
      if (digits.length > maxDigits) break;
      if (digits.length < minDigits) continue;
      const window = { from, to, digits, start: run.tokens[from]?.start ?? 0, end: run.tokens[to - 1]?.end ?? 0 };
      const value = score(window, run);
      if (value !== undefined) candidates.push({ window, score: value });
    }
  }
  // Stable sort: among equal scores the leftmost (earliest pushed) comes first.
  candidates.sort((a, b) => b.score - a.score);
  const used = new Array<boolean>(run.tokens.length).fill(false);
  const picked: RunWindow[] = [];
  for (const { window } of candidates) {
    if (used.slice(window.from, window.to).some(Boolean)) continue;
    used.fill(true, window.from, window.to);
    picked.push(window);
  }
  return picked.sort((a, b) => a.from - b.from);
}
