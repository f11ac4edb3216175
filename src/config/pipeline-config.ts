import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { envInt, problem } from './env-value.ts';

/** How many recordings at once, how often and how long to retry, how long shutdown may drain. */
export const pipelineConfig = z
  .object({
    CONCURRENCY: envInt(1, 64).default(4),
    /** ffmpeg runs (probe, normalize, request cuts) at once; unset: the number of cores. */
    PREPARE_CONCURRENCY: envInt(1, 64).optional(),
    MAX_ATTEMPTS: envInt(1, 100).default(5),
    RETRY_BASE_DELAY_MS: envInt(0).default(1000),
    RETRY_MAX_DELAY_MS: envInt(0).default(60_000),
    RETRY_SWEEP_MS: envInt(0).default(900_000),
    SHUTDOWN_TIMEOUT_MS: envInt(0).default(30_000),
  })
  .superRefine((e, ctx) => {
    if (e.RETRY_MAX_DELAY_MS < e.RETRY_BASE_DELAY_MS) problem(ctx, 'RETRY_MAX_DELAY_MS', 'must be at least RETRY_BASE_DELAY_MS');
  })
  .transform((e) => ({
    concurrency: e.CONCURRENCY,
    /** Recordings in audio preparation (the CPU stage) at once: PREPARE_CONCURRENCY, default the cores. */
    prepareConcurrency: e.PREPARE_CONCURRENCY ?? availableParallelism(),
    maxAttempts: e.MAX_ATTEMPTS,
    retryBaseDelayMs: e.RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: e.RETRY_MAX_DELAY_MS,
    /** A recording failed by transient errors only is put back to pending after this long (0: never). */
    retrySweepMs: e.RETRY_SWEEP_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  }));

export type PipelineConfig = z.output<typeof pipelineConfig>;
