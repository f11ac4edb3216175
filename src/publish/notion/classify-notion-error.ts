import { APIErrorCode, APIResponseError, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { AbortedError, PermanentError, ServiceError, TransientError, parseRetryAfter } from '../../errors.ts';

const SYSTEM = 'notion';

/** Codes the server uses for "not now": the request did not happen or may be retried as is. */
const TRANSIENT_CODES = new Set<string>([
  APIErrorCode.RateLimited,
  APIErrorCode.ServiceOverload,
  APIErrorCode.InternalServerError,
  APIErrorCode.ServiceUnavailable,
  APIErrorCode.GatewayTimeout,
  APIErrorCode.ConflictError,
]);

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/**
 * Turns whatever the Notion SDK (or fetch under it) threw into a TransientError or a PermanentError.
 * Transient: 408/409/429/5xx/529, SDK timeouts, network failures, with Retry-After when the server sent one.
 * Permanent: validation, missing or unshared objects, anything unrecognised.
 * A rejected token (401) is service-level: every recording would meet it, so intake pauses.
 */
export function classifyNotionError(error: unknown, operation: string): Error {
  if (error instanceof TransientError || error instanceof PermanentError || error instanceof AbortedError || error instanceof ServiceError) return error;
  if (APIResponseError.isAPIResponseError(error) || UnknownHTTPResponseError.isUnknownHTTPResponseError(error)) {
    const context = { system: SYSTEM, status: error.status, requestId: error.request_id, cause: error };
    const message = `notion ${operation}: ${error.status} ${error.code}: ${error.message}`;
    const transient = APIResponseError.isAPIResponseError(error)
      ? TRANSIENT_CODES.has(error.code) || error.status >= 500
      : isTransientStatus(error.status);
    if (error.status === 401) return new ServiceError('notion', `token rejected; check NOTION_TOKEN (${operation}: 401 ${error.code})`, context);
    if (!transient) return new PermanentError(message, context);
    return new TransientError(message, { ...context, retryAfterMs: parseRetryAfter(header(error.headers, 'retry-after')) });
  }
  if (RequestTimeoutError.isRequestTimeoutError(error)) {
    return new TransientError(`notion ${operation}: request timed out`, { system: SYSTEM, cause: error });
  }
  if (isNetworkError(error)) {
    return new TransientError(`notion ${operation}: network error: ${describe(error)}`, { system: SYSTEM, cause: error });
  }
  return new PermanentError(`notion ${operation}: ${describe(error)}`, { system: SYSTEM, cause: error });
}

/** True for the two answers that mean "slow down": every caller should wait, not only this one. */
export function isThrottle(error: unknown): boolean {
  return error instanceof TransientError && (error.status === 429 || error.status === 529);
}

function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (current instanceof TypeError && current.message === 'fetch failed') return true;
  }
  return false;
}

function header(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (typeof headers === 'object' && headers !== null) {
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
