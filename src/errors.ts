/** Context carried by every classified error. */
export interface ErrorContext {
  /** The outside system involved: `openai`, `notion`, `slack`, `sftp`, `ffmpeg`, `fs`, … */
  system?: string;
  status?: number;
  requestId?: string;
  cause?: unknown;
}

/**
 * A failure worth retrying: network errors, 408/409/429/5xx, 529.
 * `retryAfterMs` is the server's wish (Retry-After) and wins over computed backoff.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  readonly system?: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly retryAfterMs?: number;

  constructor(message: string, context: ErrorContext & { retryAfterMs?: number } = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.system = context.system;
    this.status = context.status;
    this.requestId = context.requestId;
    this.retryAfterMs = context.retryAfterMs;
  }
}

/** A failure that retrying cannot fix: bad audio, validation, auth. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  readonly system?: string;
  readonly status?: number;
  readonly requestId?: string;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.system = context.system;
    this.status = context.status;
    this.requestId = context.requestId;
  }
}

/** Raised when work stops because the process is shutting down; the recording goes back to pending. */
export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  constructor(message = 'aborted by shutdown', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A failure tagged with the stage it happened in (what `failed/*.error.json` reports). */
export class StageError extends Error {
  override readonly name = 'StageError';
  constructor(
    readonly stage: string,
    readonly error: unknown,
  ) {
    super(`${stage}: ${messageOf(error)}`, { cause: error });
  }
}

/** Unclassified errors count as permanent. */
export function isTransient(error: unknown): boolean {
  return innerError(error) instanceof TransientError;
}

/** The classified error inside a StageError (or the error itself). */
export function innerError(error: unknown): unknown {
  return error instanceof StageError ? error.error : error;
}

/** The stage a StageError names, else `unknown`. */
export function stageOf(error: unknown): string {
  return error instanceof StageError ? error.stage : 'unknown';
}

export function isAborted(error: unknown): boolean {
  const inner = error instanceof StageError ? error.error : error;
  return inner instanceof AbortedError || (inner instanceof Error && inner.name === 'AbortError');
}

export function retryAfterMsOf(error: unknown): number | undefined {
  const inner = error instanceof StageError ? error.error : error;
  return inner instanceof TransientError ? inner.retryAfterMs : undefined;
}

export function messageOf(error: unknown): string {
  if (error instanceof StageError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Parses an HTTP Retry-After header value (delta seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
