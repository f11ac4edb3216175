import { PermanentError, TransientError, parseRetryAfter } from './errors.ts';

// The one status map (style.md "One status map"): every adapter that talks HTTP (OpenAI, Notion,
// the Slack Web API and the Slack webhook) asks these functions, so a status means the same
// thing whichever system answered it.

/**
 * True when an HTTP status says "not now" rather than "never": 408 (request timeout), 409
 * (conflict, e.g. Notion's concurrent edit), 429 (rate limited) and every 5xx, 529 (overloaded)
 * included. Everything else, 4xx validation and auth above all, is permanent. Statuses outside
 * 100–599 are no HTTP answer at all and count as permanent.
 */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * The server's wish in milliseconds: `retry-after-ms` first (OpenAI and Azure send it), then
 * `Retry-After` as delta seconds or an HTTP date. Undefined when neither is usable. `headers` as
 * the SDKs hand them out: a fetch `Headers` or a plain record (anything else reads as none).
 */
export function retryAfterMsFromHeaders(headers: unknown, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headerValue(headers, 'retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(headerValue(headers, 'retry-after'), now);
}

export interface HttpFailure {
  status: number;
  /** Read for Retry-After when the failure is transient: a fetch `Headers` or a plain record. */
  headers?: unknown;
  /** `openai`, `notion`, `slack`, … */
  system: string;
  requestId?: string;
  /** The error's message; the adapter's own words, with secrets already scrubbed. */
  message: string;
  cause?: unknown;
  /**
   * The server's own verdict, when it gives one (OpenAI's `x-should-retry`); wins over the status.
   * Leave undefined to go by the status alone.
   */
  transient?: boolean;
  /** Already parsed by the SDK (Slack's `retryAfter` seconds); wins over the headers. */
  retryAfterMs?: number;
  /** Assumed for a 429 that names no Retry-After, so callers still see it as "slow down". */
  defaultRetryAfterMs?: number;
}

/** A failed HTTP answer as a TransientError (with `retryAfterMs`) or a PermanentError. */
export function classifyHttpFailure(failure: HttpFailure): TransientError | PermanentError {
  const { status, system, requestId, cause, message } = failure;
  const context = { system, status, requestId, ...(cause === undefined ? {} : { cause }) };
  if (!(failure.transient ?? isTransientStatus(status))) return new PermanentError(message, context);
  const retryAfterMs =
    failure.retryAfterMs ?? retryAfterMsFromHeaders(failure.headers) ?? (status === 429 ? failure.defaultRetryAfterMs : undefined);
  return new TransientError(message, { ...context, retryAfterMs });
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
