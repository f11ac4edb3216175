import { z } from 'zod';
import { envText } from './env-value.ts';

/** A list variable split on `separator`, trimmed, blanks and repeats dropped. */
const list = (separator: string) =>
  z
    .string()
    .default('')
    .transform((v) => [...new Set(v.split(separator).map((item) => item.trim()).filter(Boolean))]);

/** INSIGHTS_MODEL set: a chat model (same key and base URL as transcription) reads each transcript; else undefined. */
export const insightsConfig = z
  .object({
    INSIGHTS_MODEL: envText,
    INSIGHTS_REASONS: list(','),
    // phrases may hold commas ("Hello, this call is recorded"): a semicolon list
    INSIGHTS_REQUIRED_PHRASES: list(';'),
  })
  .transform((e) =>
    e.INSIGHTS_MODEL ? { model: e.INSIGHTS_MODEL, reasons: e.INSIGHTS_REASONS, requiredPhrases: e.INSIGHTS_REQUIRED_PHRASES } : undefined,
  );

export type InsightsConfig = NonNullable<z.output<typeof insightsConfig>>;

/** SLACK_ALERT_ON: insights that raise a Slack alert (no transcript text or numbers in it); needs INSIGHTS_MODEL. */
export const insightAlertsConfig = z
  .object({
    SLACK_ALERT_ON: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.enum(['escalated', 'unresolved', 'follow-up', 'negative'], 'must be a comma list of escalated, unresolved, follow-up, negative'))),
  })
  .transform((e) => e.SLACK_ALERT_ON);
