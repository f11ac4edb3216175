import { Client, LogLevel } from '@notionhq/client';
import type { Logger } from 'pino';
import { AbortedError, TransientError } from '../../errors.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { uploadFetch } from '../../upload-fetch.ts';
import { classifyNotionError, isThrottle } from './classify-notion-error.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** The API version this adapter speaks: databases hold data sources, pages go under a data source. */
export const NOTION_VERSION = '2025-09-03';
/** Below the pipeline's 30 s drain deadline: the SDK takes no AbortSignal, so only this bounds a call. */
export const DEFAULT_NOTION_TIMEOUT_MS = 25_000;
/** Throttle answers (429/529) retried here, through the shared limiter, before the pipeline sees them. */
const DEFAULT_THROTTLE_RETRIES = 2;
/** Pause when a 429/529 carries no Retry-After. */
const DEFAULT_THROTTLE_PAUSE_MS = 1_000;

export interface NotionApiOptions {
  token: string;
  /** Origin without `/v1` (the SDK appends it); default the SDK's `https://api.notion.com`. */
  baseUrl?: string;
  /** Per-request timeout in ms (default 25 000). */
  timeoutMs?: number;
  limiter: RateLimiter;
  metrics?: Metrics;
  logger?: Logger;
  /** 429/529 answers retried in place after the limiter pause (default 2). */
  throttleRetries?: number;
}

/**
 * The Notion SDK behind the process-wide limiter, with timing and error classification.
 * The SDK's own retries are off: they sleep outside the limiter, so other callers would keep
 * sending while one waits. Throttles are retried here instead (the server asked us to, and
 * the request did not happen); everything else is classified and left to the pipeline.
 */
export class NotionApi {
  readonly client: Client;
  readonly #limiter: RateLimiter;
  readonly #metrics?: Metrics;
  readonly #logger?: Logger;
  readonly #throttleRetries: number;

  constructor(options: NotionApiOptions) {
    this.#limiter = options.limiter;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#throttleRetries = options.throttleRetries ?? DEFAULT_THROTTLE_RETRIES;
    const logger = options.logger;
    this.client = new Client({
      auth: options.token,
      baseUrl: options.baseUrl?.replace(/\/+$/, '').replace(/\/v1$/, ''),
      notionVersion: NOTION_VERSION,
      timeoutMs: options.timeoutMs ?? DEFAULT_NOTION_TIMEOUT_MS,
      retry: false,
      // file parts go out as they are read, without a copy held in memory (see upload-fetch.ts)
      fetch: uploadFetch,
      // our own logs carry the classified error once; the SDK's warnings would repeat it
      logLevel: LogLevel.DEBUG,
      logger: (level, message, extraInfo) => logger?.debug({ sdkLevel: level, ...extraInfo }, `notion sdk: ${message}`),
    });
  }

  /** Runs one API call (`operation` names it in metrics and errors); throws only classified errors. */
  async call<T>(operation: string, run: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const started = performance.now();
    try {
      for (let attempt = 0; ; attempt++) {
        await this.#limiter.acquire(signal);
        try {
          return await run(this.client);
        } catch (raw) {
          const error = classifyNotionError(raw, operation);
          if (!isThrottle(error)) throw error;
          const pauseMs = (error as TransientError).retryAfterMs ?? DEFAULT_THROTTLE_PAUSE_MS;
          this.#limiter.pause(pauseMs);
          if (attempt >= this.#throttleRetries) throw error;
          this.#logger?.warn({ operation, status: (error as TransientError).status, pauseMs, attempt: attempt + 1 }, 'notion throttled, pausing all notion calls');
          if (signal?.aborted) throw new AbortedError();
        }
      }
    } finally {
      this.#metrics?.notionApiDuration.observe({ operation }, (performance.now() - started) / 1000);
    }
  }
}
