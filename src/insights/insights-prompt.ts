/** Characters per token of English text, the usual rule of thumb (tokens ≈ chars / 4). */
export const CHARS_PER_TOKEN = 4;

/** Context windows (tokens) of the chat models we know; unknown models get the smallest common one. */
const CONTEXT_TOKENS: Record<string, number> = {
  'gpt-4o-mini': 128_000,
  'gpt-4o': 128_000,
  'gpt-4.1-mini': 1_000_000,
  'gpt-4.1-nano': 1_000_000,
  'gpt-4.1': 1_000_000,
};
const DEFAULT_CONTEXT_TOKENS = 16_000;
/** Tokens kept free for the instructions, the schema and the answer. */
const RESERVED_TOKENS = 4_000;

/** How many transcript characters fit a model's context after the instructions and the answer. */
export function promptBudgetChars(model: string): number {
  const context = Object.entries(CONTEXT_TOKENS).find(([name]) => model === name || model.startsWith(`${name}-`))?.[1] ?? DEFAULT_CONTEXT_TOKENS;
  return (context - RESERVED_TOKENS) * CHARS_PER_TOKEN;
}

export const SYSTEM_PROMPT = [
  'You review the transcript of one contact-center phone call between an agent and a caller.',
  'Answer only from the transcript. Masked items such as [card number] stay masked: never guess them.',
  'summary: at most three sentences, without names, phone or card numbers.',
  'reason: why the caller called. outcome: resolved, follow-up (someone must act later), escalated (handed to a',
  'supervisor or another team) or unresolved. sentiment: how the caller sounded at the start and at the end.',
  'actionItems: what must happen next, at most five, each one short sentence.',
  'compliance: for each required phrase, whether the agent said it (in any wording with the same meaning),',
  "and the agent's exact words from the transcript as the quote (null when not said).",
].join('\n');

/**
 * The user message: the required phrases, then the transcript lines. A transcript longer than
 * `budgetChars` keeps its first two thirds and its end (where outcome and mood show) and says
 * how much was left out; `trimmed` tells the caller to note it.
 */
export function insightsPrompt(lines: readonly string[], phrases: readonly string[], budgetChars: number): { content: string; trimmed?: string } {
  const header = phrases.length > 0 ? `Required phrases:\n${phrases.map((p) => `- ${p}`).join('\n')}\n\n` : '';
  const total = lines.reduce((sum, line) => sum + line.length + 1, 0);
  if (total <= budgetChars) return { content: `${header}Transcript:\n${lines.join('\n')}` };
  const head: string[] = [];
  const tail: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > (budgetChars * 2) / 3) break;
    head.push(line);
    used += line.length + 1;
  }
  for (let i = lines.length - 1; i >= head.length; i -= 1) {
    const line = lines[i] ?? '';
    if (used + line.length + 1 > budgetChars) break;
    tail.unshift(line);
    used += line.length + 1;
  }
  const left = lines.length - head.length - tail.length;
  const trimmed = `transcript trimmed to the model's context: ${left} of ${lines.length} lines left out in the middle`;
  return { content: `${header}Transcript:\n${[...head, `[… ${left} lines left out …]`, ...tail].join('\n')}`, trimmed };
}
