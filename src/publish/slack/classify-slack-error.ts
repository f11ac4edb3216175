import { ErrorCode } from '@slack/web-api';
import { classifyHttpFailure } from '../../classify-http-failure.ts';
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
    return classifyHttpFailure({ system: 'slack', status: 429, retryAfterMs: seconds * 1000, message: 'slack: rate limited', cause: error });
  }
  if (code === undefined && /^Retry header did not contain a valid timeout/.test(message)) {
    // @slack/web-api 8 throws this bare Error for a 429 without a usable Retry-After: still a 429
    return classifyHttpFailure({ system: 'slack', status: 429, defaultRetryAfterMs: 1000, message: 'slack: rate limited', cause: error });
  }
  if (code === ErrorCode.HTTPError) {
    const status = (error as { statusCode?: unknown }).statusCode;
    // an HTTPError without a status is a broken answer (a proxy, a reset): worth another try
    if (typeof status !== 'number') return new TransientError('slack: HTTP error', { system: 'slack', cause: error });
    const headers = (error as { headers?: unknown }).headers;
    return classifyHttpFailure({ system: 'slack', status, headers, defaultRetryAfterMs: 1000, message: `slack: HTTP ${status}`, cause: error });
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
