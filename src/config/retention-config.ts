import { z } from 'zod';
import { envNumber } from './env-value.ts';

const days = (keeps: string) =>
  envNumber.pipe(
    z
      .number({ error: 'must be a number of days' })
      .int('must be a whole number of days')
      .min(1, `must be at least 1 (unset keeps ${keeps} forever)`)
      .optional(),
  );

/** RETENTION_DAYS (audio in processed/ and failed/) and TRANSCRIPT_RETENTION_DAYS; unset keeps forever. */
export const retentionConfig = z
  .object({ RETENTION_DAYS: days('audio'), TRANSCRIPT_RETENTION_DAYS: days('transcripts') })
  .transform((e) => ({ audioDays: e.RETENTION_DAYS, transcriptDays: e.TRANSCRIPT_RETENTION_DAYS }));

export type RetentionConfig = z.output<typeof retentionConfig>;
