import { z } from 'zod';

export const OUTCOMES = ['resolved', 'follow-up', 'escalated', 'unresolved'] as const;
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type CallOutcome = (typeof OUTCOMES)[number];
export type Sentiment = (typeof SENTIMENTS)[number];

/** Whether the agent said one required phrase (INSIGHTS_REQUIRED_PHRASES), with the words as spoken. */
export interface ComplianceCheck {
  phrase: string;
  said: boolean;
  /** The agent's words that say it; null when not said. */
  quote: string | null;
}

/** What a chat model made of one call: the transcript JSON's `insights`. */
export interface CallInsights {
  /** At most three sentences. */
  summary: string;
  /** One of INSIGHTS_REASONS when given, else short free text. */
  reason: string;
  outcome: CallOutcome;
  /** The caller's mood at the start and at the end of the call. */
  sentiment: { start: Sentiment; end: Sentiment };
  /** At most five. */
  actionItems: string[];
  compliance: ComplianceCheck[];
  model: string;
  /** Tokens the request used (for the cost estimate). */
  usage?: InsightsUsage;
  /** Set when the transcript was cut to fit the model's context. */
  note?: string;
}

/** The tokens one request used, as the API counted them. */
export interface InsightsUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * The structured answer asked of the model. Only keywords strict structured outputs accept
 * (no maxLength): lengths and sentence counts are enforced after parsing, see {@link tidyInsights}.
 */
export function insightsSchema(reasons: readonly string[], phrases: readonly string[]) {
  const reason = reasons.length > 0 ? z.enum(reasons as [string, ...string[]]) : z.string().describe('a few words');
  const phrase = phrases.length > 0 ? z.enum(phrases as [string, ...string[]]) : z.string();
  return z.object({
    summary: z.string().describe('at most three sentences, no names, numbers or card details'),
    reason: reason.describe('why the caller called'),
    outcome: z.enum(OUTCOMES),
    sentiment: z.object({ start: z.enum(SENTIMENTS), end: z.enum(SENTIMENTS) }).describe("the caller's mood at the start and at the end"),
    actionItems: z.array(z.string()).max(5).describe('what must happen next, at most five'),
    compliance: z
      .array(z.object({ phrase, said: z.boolean(), quote: z.string().nullable() }))
      .describe('for each required phrase: whether the agent said it, and the words the agent used'),
  });
}

export type InsightsAnswer = z.output<ReturnType<typeof insightsSchema>>;

const SUMMARY_CHARS = 600;
const ACTION_CHARS = 200;

/**
 * The answer as stored: summary cut to three sentences, five action items, and one compliance
 * entry per required phrase in their order. A phrase counts as said only when its quote really
 * occurs in `spoken` (what the agent said, or the whole transcript when sides are unknown):
 * a model's invented quote must not pass an audit.
 */
export function tidyInsights(answer: InsightsAnswer, phrases: readonly string[], spoken: string, model: string): CallInsights {
  const sentences = answer.summary.trim().match(/[^.!?]+[.!?]*/g) ?? [];
  const summary = sentences.slice(0, 3).join('').trim().slice(0, SUMMARY_CHARS);
  const heard = normalize(spoken);
  const compliance = phrases.map((phrase): ComplianceCheck => {
    const found = answer.compliance.find((c) => c.phrase === phrase);
    const quote = found?.quote?.trim() ?? '';
    const real = found?.said === true && quote !== '' && heard.includes(normalize(quote));
    return { phrase, said: real, quote: real ? quote : null };
  });
  return {
    summary,
    reason: answer.reason.trim().slice(0, 80),
    outcome: answer.outcome,
    sentiment: answer.sentiment,
    actionItems: answer.actionItems.map((a) => a.trim().slice(0, ACTION_CHARS)).filter(Boolean).slice(0, 5),
    compliance,
    model,
  };
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
