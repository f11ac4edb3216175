/** One HTTP answer of the OpenAI emulator, before the common headers are added. */
export interface ApiAnswer {
  status: number;
  contentType: string;
  body: string | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
}

/** Media types exactly as the live API sends them; the SDK picks JSON vs string from them (trap 7). */
export const JSON_TYPE = 'application/json';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

export function jsonAnswer(body: unknown, status = 200): ApiAnswer {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body) };
}

export function textAnswer(body: string): ApiAnswer {
  return { status: 200, contentType: TEXT_TYPE, body };
}

/** The `Error` schema: all four keys always present, `param` and `code` null when not applicable. */
export function errorAnswer(
  status: number,
  message: string,
  details: { type?: string; param?: string | null; code?: string | null; contentType?: string } = {},
): ApiAnswer {
  const error = {
    message,
    type: details.type ?? 'invalid_request_error',
    param: details.param ?? null,
    code: details.code ?? null,
  };
  return { status, contentType: details.contentType ?? JSON_TYPE, body: JSON.stringify({ error }) };
}

/** Bodies of the failures a test injects, worded as the live API words them (§1.6). */
export const faultBodies = {
  rateLimit(model: string, retryAfterSeconds: number | undefined, limit: number): ApiAnswer {
    const wait = retryAfterSeconds === undefined ? '' : ` Please try again in ${formatSeconds(retryAfterSeconds)}.`;
    return errorAnswer(
      429,
      `Rate limit reached for ${model} in organization org-emulator on requests per min (RPM): ` +
        `Limit ${limit}, Used ${limit}, Requested 1.${wait} ` +
        'Visit https://platform.openai.com/account/rate-limits to learn more.',
      { type: 'requests', code: 'rate_limit_exceeded' },
    );
  },
  quota(): ApiAnswer {
    return errorAnswer(
      429,
      'You exceeded your current quota, please check your plan and billing details. For more information ' +
        'on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
      { type: 'insufficient_quota', code: 'insufficient_quota' },
    );
  },
  serverError(status: number): ApiAnswer {
    return errorAnswer(status, 'The server had an error while processing your request. Sorry about that!', {
      type: 'server_error',
    });
  },
  overloaded(): ApiAnswer {
    return errorAnswer(503, 'The engine is currently overloaded, please try again later', { type: 'server_error' });
  },
};

function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)}ms` : `${Number(seconds.toFixed(3))}s`;
}

/** Go-style durations as the `x-ratelimit-reset-*` headers carry them: `20ms`, `1.2s`, `6m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const totalSeconds = ms / 1000;
  if (totalSeconds < 60) return `${Number(totalSeconds.toFixed(3))}s`;
  const minutes = Math.floor(totalSeconds / 60);
  return `${minutes}m${Math.floor(totalSeconds - minutes * 60)}s`;
}
