import { z } from 'zod';
import { envInt, envText } from './env-value.ts';

/**
 * Slack's rhythm: the run summary every SUMMARY_INTERVAL_MS, or once a day at SUMMARY_AT (local
 * time in FIVE9_TIMEZONE; replaces the interval when set), and SLACK_NOTIFY=all for a short line
 * per finished call.
 */
export const alertsConfig = z
  .object({
    SUMMARY_INTERVAL_MS: envInt(60_000).default(86_400_000),
    SUMMARY_AT: envText.pipe(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM such as 08:00').optional()),
    SLACK_NOTIFY: z.enum(['failures', 'all'], 'must be failures or all').default('failures'),
  })
  .transform((e) => ({ summaryIntervalMs: e.SUMMARY_INTERVAL_MS, summaryAt: e.SUMMARY_AT, notify: e.SLACK_NOTIFY }));

export type AlertsConfig = z.output<typeof alertsConfig>;
