import type { InsightsUsage } from './call-insights.ts';

/**
 * List prices in US dollars per million tokens (input, output), standard tier, as published on
 * openai.com/api/pricing (checked 2026-11; update when they change). Dated snapshots share
 * their family's price.
 */
const PRICES_PER_MILLION: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
};

/** Estimated cost in US dollars of one insights request; undefined for a model without a known price. */
export function insightsCostUsd(model: string, usage: InsightsUsage): number | undefined {
  const name = Object.keys(PRICES_PER_MILLION)
    .filter((known) => model === known || model.startsWith(`${known}-`))
    .sort((a, b) => b.length - a.length)[0];
  const price = name === undefined ? undefined : PRICES_PER_MILLION[name];
  if (price === undefined) return undefined;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}
