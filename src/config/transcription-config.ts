import { z } from 'zod';
import { envBool, envNumber } from './env-value.ts';

/** Before transcribing: long silences cut out, long calls split into requests within the limits. */
export const transcriptionConfig = z
  .object({
    SILENCE_CUT: envBool.default(true),
    SILENCE_MIN_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
    SILENCE_NOISE_DB: z.coerce.number().min(-90).max(-10).default(-35),
    CHUNK_MAX_BYTES: envNumber.pipe(z.number().int().min(1_048_576).max(26_148_864).optional()),
    CHUNK_MAX_SECONDS: envNumber.pipe(z.number().min(60).optional()),
  })
  .transform((e) => ({
    silenceCut: e.SILENCE_CUT,
    silenceMinSeconds: e.SILENCE_MIN_SECONDS,
    silenceNoiseDb: e.SILENCE_NOISE_DB,
    /** Audio bytes per request; unset → 24 MiB. */
    chunkMaxBytes: e.CHUNK_MAX_BYTES,
    /** Audio seconds per request; unset → 1,400 for gpt-4o models, none otherwise. */
    chunkMaxSeconds: e.CHUNK_MAX_SECONDS,
  }));

export type TranscriptionConfig = z.output<typeof transcriptionConfig>;
