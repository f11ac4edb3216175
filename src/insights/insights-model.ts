import type { CallInsights, InsightsUsage } from './call-insights.ts';

/** What the model is asked about one call. */
export interface InsightsRequest {
  /** The redacted transcript as lines (`[mm:ss] Agent: text`); nothing else of the call is sent. */
  lines: string[];
  /** What the agent said (or everything, when sides are unknown): compliance quotes are checked against it. */
  spoken: string;
  reasons: readonly string[];
  requiredPhrases: readonly string[];
  signal?: AbortSignal;
}

export interface InsightsResult {
  insights: CallInsights;
  usage: InsightsUsage;
}

/**
 * The port the pipeline asks for call insights. Failures leave as TransientError (retry),
 * PermanentError (a refusal, an answer that breaks the schema, a rejected request) or ServiceError.
 */
export interface InsightsModel {
  readonly model: string;
  analyze(request: InsightsRequest): Promise<InsightsResult>;
}
