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

/** The part of the service a {@link ServiceError} concerns: the /ready component that turns 503. */
export type ServiceComponent = 'openai' | 'disk' | 'ledger' | 'notion' | 'slack';

/**
 * Trouble of the service, not of one recording: a rejected key, exhausted quota, an unreachable
 * API, a full disk, a busy ledger. The recording goes back to pending (no attempt counted), intake
 * pauses and /ready says why until a periodic check passes (see ServiceGate).
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly system?: string;
  readonly status?: number;
  readonly requestId?: string;

  constructor(
    readonly component: ServiceComponent,
    /** Short, for /ready and the alert: `key rejected`, `quota exhausted`, `unreachable`, … */
    readonly reason: string,
    context: ErrorContext = {},
  ) {
    super(`${component}: ${reason}`, context.cause === undefined ? undefined : { cause: context.cause });
    this.system = context.system ?? component;
    this.status = context.status;
    this.requestId = context.requestId;
  }
}

/** Errno / SQLite codes that mean the disk or the ledger, not the recording, is in trouble. */
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT']);
const LEDGER_CODES = /^SQLITE_(BUSY|LOCKED)/;

/**
 * The service-level trouble inside `error` (a StageError, its cause chain), or undefined when the
 * error is the recording's own. ENOSPC/EDQUOT anywhere is the disk; SQLITE_BUSY/LOCKED the ledger.
 */
export function serviceErrorOf(error: unknown): ServiceError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof ServiceError) return current;
    // a shared ledger that cannot be reached (PostgreSQL restarting, network): every recording would meet it
    if (current instanceof TransientError && current.system === 'postgres') {
      return new ServiceError('ledger', current.message, { cause: current });
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (DISK_CODES.has(code) || code === 'SQLITE_FULL') return new ServiceError('disk', `no space left (${code})`, { cause: current });
      if (LEDGER_CODES.test(code)) return new ServiceError('ledger', `database busy or locked (${code})`, { cause: current });
    }
    current = current instanceof StageError ? current.error : (current as { cause?: unknown }).cause;
  }
  return undefined;
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
