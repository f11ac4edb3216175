import { ErrorCode } from '@slack/web-api';
import { PermanentError, TransientError } from '../../errors.ts';

/** Platform error codes (HTTP 200, `ok:false`) that a later attempt can fix. */
const transientCodes = new Set([
  'ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout',
]);

/**
 * Turns what @slack/web-api 8 throws into our error classes. Matching on `code` (not
 * `instanceof`) keeps this working whichever copy of the SDK's classes threw.
 */
export function classifySlackError(error: unknown): TransientError | PermanentError {
  if (error instanceof TransientError || error instanceof PermanentError) return error;
  const coded = error as { code?: unknown; message?: unknown } | null;
  const code = typeof coded?.code === 'string' ? coded.code : undefined;
  const message = error instanceof Error ? error.message : String(error);

  if (code === ErrorCode.RateLimitedError) {
    const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
    const seconds = typeof retryAfter === 'number' && Number.isFinite(retryAfter) ? retryAfter : 1;
    return new TransientError('slack: rate limited', { system: 'slack', status: 429, retryAfterMs: seconds * 1000, cause: error });
  }
  if (code === ErrorCode.HTTPError) {
    const status = (error as { statusCode?: unknown }).statusCode;
    const numeric = typeof status === 'number' ? status : undefined;
    const transient = numeric === undefined || numeric === 408 || numeric === 409 || numeric === 429 || numeric >= 500;
    const text = `slack: HTTP ${numeric ?? 'error'}`;
    return transient
      ? new TransientError(text, { system: 'slack', status: numeric, cause: error })
      : new PermanentError(text, { system: 'slack', status: numeric, cause: error });
  }
  if (code === ErrorCode.RequestError) {
    const original = (error as { original?: unknown }).original;
    return new TransientError(`slack: request failed: ${describeNetworkError(original ?? error)}`, { system: 'slack', cause: error });
  }
  if (code === ErrorCode.PlatformError) {
    const data = (error as { data?: { error?: unknown } }).data;
    const platform = typeof data?.error === 'string' ? data.error : 'unknown_error';
    return transientCodes.has(platform)
      ? new TransientError(`slack: ${platform}`, { system: 'slack', status: 200, cause: error })
      : new PermanentError(`slack: ${platform}`, { system: 'slack', status: 200, cause: error });
  }
  return new PermanentError(`slack: ${message}`, { system: 'slack', cause: error });
}

/** `fetch failed (ECONNREFUSED)` rather than a bare `fetch failed`. */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? `${error.message} (${cause.code})` : error.message;
}
