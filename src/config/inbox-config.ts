import { z } from 'zod';
import { envBool, envInt } from './env-value.ts';

/** The local drop folder: always on; watched for events and rescanned periodically. */
export const inboxConfig = z
  .object({
    WATCH_INBOX: envBool.default(true),
    INBOX_STABLE_MS: envInt(0).default(2000),
    INBOX_RESCAN_INTERVAL_MS: envInt(1000).default(300_000),
  })
  .transform((e) => ({
    enabled: true,
    watch: e.WATCH_INBOX,
    stableMs: e.INBOX_STABLE_MS,
    rescanIntervalMs: e.INBOX_RESCAN_INTERVAL_MS,
  }));

export type InboxConfig = z.output<typeof inboxConfig>;
