import { APIResponseError, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { classifyHttpFailure } from '../../classify-http-failure.ts';
import { AbortedError, ClassifiedError, PermanentError, ServiceError, TransientError } from '../../errors.ts';
import { isTransientNetworkError } from '../../transient-network-error.ts';

const SYSTEM = 'notion';

/**
 * Turns whatever the Notion SDK (or fetch under it) threw into a TransientError or a PermanentError.
 * Transient: 408/409/429/5xx/529, SDK timeouts, network failures, with Retry-After when the server sent one.
 * Permanent: validation, missing or unshared objects, anything unrecognised.
 * A rejected token (401) is service-level: every recording would meet it, so intake pauses.
 */
export function classifyNotionError(error: unknown, operation: string): Error {
  if (error instanceof ClassifiedError || error instanceof AbortedError) return error;
  if (APIResponseError.isAPIResponseError(error) || UnknownHTTPResponseError.isUnknownHTTPResponseError(error)) {
    const context = { system: SYSTEM, status: error.status, requestId: error.request_id, cause: error };
    if (error.status === 401) return new ServiceError('notion', `token rejected; check NOTION_TOKEN (${operation}: 401 ${error.code})`, context);
    const message = `notion ${operation}: ${error.status} ${error.code}: ${error.message}`;
    // Notion's codes (rate_limited 429, conflict_error 409, service_overload 529, …) each come with
    // their status, so the shared status map decides.
    return classifyHttpFailure({ ...context, headers: error.headers, message });
  }
  if (RequestTimeoutError.isRequestTimeoutError(error)) {
    return new TransientError(`notion ${operation}: request timed out`, { system: SYSTEM, cause: error });
  }
  if (isTransientNetworkError(error)) {
    return new TransientError(`notion ${operation}: network error: ${describe(error)}`, { system: SYSTEM, cause: error });
  }
  return new PermanentError(`notion ${operation}: ${describe(error)}`, { system: SYSTEM, cause: error });
}

/** True for the two answers that mean "slow down": every caller should wait, not only this one. */
export function isThrottle(error: unknown): boolean {
  return error instanceof TransientError && (error.status === 429 || error.status === 529);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
