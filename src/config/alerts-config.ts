import { z } from 'zod';
import { envInt } from './env-value.ts';

/** How often the run summary is sent. */
export const alertsConfig = z
  .object({ SUMMARY_INTERVAL_MS: envInt(60_000).default(86_400_000) })
  .transform((e) => ({ summaryIntervalMs: e.SUMMARY_INTERVAL_MS }));

export type AlertsConfig = z.output<typeof alertsConfig>;
