import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { classifyHttpFailure } from '../classify-http-failure.ts';
import { AbortedError, ClassifiedError, PermanentError, ServiceError, TransientError } from '../errors.ts';
import { isTransientNetworkError, unreachableCode } from '../transient-network-error.ts';

export interface OpenAiErrorContext {
  /** The caller's signal: an abort is shutdown, not a failure. */
  signal?: AbortSignal;
  /** The per-request timeout, for the message. */
  timeoutMs: number;
  /** Scrubbed out of every message (the API echoes a masked key, a proxy may echo it whole). */
  apiKey: string;
}

/**
 * Turns what the `openai` SDK threw into the pipeline's classes. The status map is the shared one
 * (classifyHttpFailure); what is OpenAI's own: `x-should-retry` wins over the status, an exhausted
 * quota (429 insufficient_quota) and a rejected key (401/403) are service-level, nothing answering
 * at all is service-level, 413 names the request limit.
 */
export function classifyOpenAiError(error: unknown, context: OpenAiErrorContext): unknown {
  const scrub = (message: string) => (context.apiKey.length >= 8 ? message.replaceAll(context.apiKey, '[redacted]') : message);
  if (context.signal?.aborted || error instanceof APIUserAbortError) {
    return new AbortedError('transcription aborted', { cause: error });
  }
  if (error instanceof ClassifiedError || error instanceof AbortedError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new TransientError(`OpenAI did not answer within ${context.timeoutMs} ms`, { system: 'openai', cause: error });
  }
  const unreachable = error instanceof APIConnectionError ? unreachableCode(error) : undefined;
  if (unreachable !== undefined) {
    // nothing listens or the name does not resolve: the API is down for every recording
    return new ServiceError('openai', `unreachable (${unreachable})`, { system: 'openai', cause: error });
  }
  if (error instanceof APIConnectionError) {
    const reason = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new TransientError(scrub(`could not reach OpenAI${reason}`), { system: 'openai', cause: error });
  }
  if (!(error instanceof APIError) || error.status === undefined) {
    if (!isTransientNetworkError(error)) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new TransientError(scrub(`could not reach OpenAI: ${reason}`), { system: 'openai', cause: error });
  }

  const status = error.status;
  const requestId = error.requestID ?? undefined;
  const fields = { system: 'openai', status, requestId, cause: error };
  const body = error.error as { message?: unknown } | undefined;
  const apiMessage = scrub(typeof body?.message === 'string' ? body.message : error.message);
  const tag = `${status}${error.code ? ` ${error.code}` : ''}${requestId ? `, request ${requestId}` : ''}`;
  const shouldRetry = error.headers?.get('x-should-retry');

  if (status === 429 && (error.code === 'insufficient_quota' || error.type === 'insufficient_quota')) {
    return new ServiceError('openai', `quota exhausted; check the plan and billing of the account (${tag})`, fields);
  }
  if (status === 401 || status === 403) {
    // the API echoes a masked key; leave it out altogether
    if (shouldRetry !== 'true') return new ServiceError('openai', `key rejected; check OPENAI_API_KEY (${tag})`, fields);
  }
  const verdict = classifyHttpFailure({
    ...fields,
    headers: error.headers,
    message: `OpenAI answered ${tag}: ${apiMessage}`,
    transient: shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined,
  });
  if (verdict instanceof TransientError) return verdict;
  if (status === 413) return new PermanentError(`the upload is over OpenAI's 25 MiB request limit (${tag}): ${apiMessage}`, fields);
  return new PermanentError(`OpenAI rejected the transcription (${tag}): ${apiMessage}`, fields);
}
