import { z } from 'zod';
import { envInt } from './env-value.ts';

/** Service-level trouble: how often a paused component is checked; the free-space floor under DATA_DIR. */
export const serviceConfig = z
  .object({
    SERVICE_CHECK_INTERVAL_MS: envInt(100).default(30_000),
    DISK_FREE_MIN_MB: envInt(0).default(512),
  })
  .transform((e) => ({ checkIntervalMs: e.SERVICE_CHECK_INTERVAL_MS, diskFreeMinBytes: e.DISK_FREE_MIN_MB * 1024 * 1024 }));

export type ServiceConfig = z.output<typeof serviceConfig>;
