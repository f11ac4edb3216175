// The one list of network failures (style.md "One status map"): a request that never got an
// answer is worth another try, whichever adapter sent it.

/**
 * Error codes of a connection that failed or broke: Node's errno names, undici's (the engine of
 * `fetch`) and ssh2-sftp-client's. DNS failures are here too: a resolver hiccup is common and a
 * wrong name shows up as a stream of transient failures (and in `recpipe doctor`).
 */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE',
  'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'ERR_NOT_CONNECTED',
]);

/** The subset that means nothing answers at all (no listener, no such name, no route), not one dropped request. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** How deep `cause` chains are followed (SDK error → fetch TypeError → undici error → errno). */
const MAX_DEPTH = 6;

/**
 * The network code in `error` or its `cause` chain (`ECONNRESET`, `UND_ERR_SOCKET`, …), or
 * `socket hang up` for the message Node gives a dropped HTTP connection, or undefined.
 */
export function transientNetworkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === 'object' && current !== null; depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return code;
    if (typeof message === 'string' && /socket hang up/i.test(message)) return 'socket hang up';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * True when the request got no answer because the network failed: a code from
 * TRANSIENT_NETWORK_CODES anywhere in the cause chain, `socket hang up`, or `fetch failed` (undici's
 * TypeError, whatever its cause). Aborts are not network errors: the caller cancelled.
 */
export function isTransientNetworkError(error: unknown): boolean {
  if (transientNetworkCode(error) !== undefined) return true;
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && current instanceof Error; depth += 1) {
    if (current instanceof TypeError && current.message === 'fetch failed') return true;
    current = current.cause;
  }
  return false;
}

/** The code in `error`'s cause chain that says the server is not there at all, or undefined. */
export function unreachableCode(error: unknown): string | undefined {
  const code = transientNetworkCode(error);
  return code !== undefined && UNREACHABLE_CODES.has(code) ? code : undefined;
}
