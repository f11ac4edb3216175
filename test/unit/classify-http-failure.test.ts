import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, isTransientStatus, retryAfterMsFromHeaders } from '../../src/classify-http-failure.ts';
import { ClassifiedError, PermanentError, ServiceError, TransientError, isTransient, retryAfterMsOf } from '../../src/errors.ts';
import { isTransientNetworkError, transientNetworkCode, unreachableCode } from '../../src/transient-network-error.ts';

const TRANSIENT = [408, 409, 429, 500, 502, 503, 504, 520, 529, 599];
const PERMANENT = [100, 200, 204, 301, 304, 400, 401, 403, 404, 405, 410, 413, 415, 422, 499, 600, 0, -1, Number.NaN];

describe('isTransientStatus: the one status map', () => {
  it.each(TRANSIENT)('%i is transient', (status) => expect(isTransientStatus(status)).toBe(true));
  it.each(PERMANENT)('%d is permanent', (status) => expect(isTransientStatus(status)).toBe(false));

  it('agrees with classifyHttpFailure for every status from 0 to 700, whatever the system', () => {
    for (const system of ['openai', 'notion', 'slack', 'anything']) {
      for (let status = 0; status <= 700; status += 1) {
        const error = classifyHttpFailure({ status, system, message: `HTTP ${status}` });
        expect(error instanceof TransientError, `${system} ${status}`).toBe(isTransientStatus(status));
        expect(error instanceof PermanentError, `${system} ${status}`).toBe(!isTransientStatus(status));
        expect(error).toBeInstanceOf(ClassifiedError);
        expect(error).toMatchObject({ system, status, message: `HTTP ${status}` });
      }
    }
  });
});

describe('classifyHttpFailure', () => {
  it('keeps the context the operator quotes: system, status, request id, cause', () => {
    const cause = new Error('raw');
    const error = classifyHttpFailure({ status: 503, system: 'notion', requestId: 'req_1', cause, message: 'notion create: 503' });
    expect(error).toMatchObject({ name: 'TransientError', system: 'notion', status: 503, requestId: 'req_1', message: 'notion create: 503' });
    expect(error.cause).toBe(cause);
  });

  it('reads Retry-After once, from Headers or a plain record, seconds or an HTTP date', () => {
    expect(classifyHttpFailure({ status: 429, system: 's', message: 'm', headers: new Headers({ 'Retry-After': '7' }) })).toMatchObject({ retryAfterMs: 7000 });
    expect(classifyHttpFailure({ status: 503, system: 's', message: 'm', headers: { 'retry-after': '2' } })).toMatchObject({ retryAfterMs: 2000 });
    expect(classifyHttpFailure({ status: 503, system: 's', message: 'm', headers: { 'Retry-After': ['3'] } })).toMatchObject({ retryAfterMs: 3000 });
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMsFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    // retry-after-ms (OpenAI, Azure) is the finer of the two and wins
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
  });

  it('ignores Retry-After that is garbage, negative or on a permanent answer', () => {
    expect(retryAfterMsFromHeaders({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMsFromHeaders({ 'retry-after-ms': '-5' })).toBeUndefined();
    expect(retryAfterMsFromHeaders({ 'retry-after': '-5' })).toBe(0);
    expect(retryAfterMsFromHeaders('retry-after: 5')).toBeUndefined();
    expect(retryAfterMsFromHeaders(undefined)).toBeUndefined();
    const permanent = classifyHttpFailure({ status: 400, system: 's', message: 'm', headers: { 'retry-after': '5' } });
    expect(permanent).toBeInstanceOf(PermanentError);
    expect(retryAfterMsOf(permanent)).toBeUndefined();
  });

  it("lets the server's own verdict win over the status (OpenAI's x-should-retry)", () => {
    expect(classifyHttpFailure({ status: 400, system: 'openai', message: 'm', transient: true })).toBeInstanceOf(TransientError);
    expect(classifyHttpFailure({ status: 503, system: 'openai', message: 'm', transient: false })).toBeInstanceOf(PermanentError);
  });

  it('uses an SDK-parsed wait first, and the default only for a 429 that names none', () => {
    expect(classifyHttpFailure({ status: 429, system: 's', message: 'm', retryAfterMs: 4000, headers: { 'retry-after': '1' } })).toMatchObject({ retryAfterMs: 4000 });
    expect(classifyHttpFailure({ status: 429, system: 's', message: 'm', defaultRetryAfterMs: 1000 })).toMatchObject({ retryAfterMs: 1000 });
    expect(classifyHttpFailure({ status: 503, system: 's', message: 'm', defaultRetryAfterMs: 1000 })).toMatchObject({ retryAfterMs: undefined });
  });
});

describe('the classified error classes share one base', () => {
  it('Transient, Permanent and Service errors are ClassifiedErrors with their context', () => {
    const cause = new Error('x');
    for (const error of [
      new TransientError('t', { system: 'openai', status: 503, requestId: 'r', cause, retryAfterMs: 5 }),
      new PermanentError('p', { system: 'openai', status: 400, requestId: 'r', cause }),
      new ServiceError('openai', 'key rejected', { status: 401, requestId: 'r', cause }),
    ]) {
      expect(error).toBeInstanceOf(ClassifiedError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ system: 'openai', requestId: 'r' });
      expect(error.cause).toBe(cause);
    }
    expect(new ServiceError('disk', 'full').system).toBe('disk');
    expect(isTransient(new PermanentError('p'))).toBe(false);
    expect(isTransient(new TransientError('t'))).toBe(true);
    expect(new TransientError('t').name).toBe('TransientError');
    expect(new PermanentError('p').name).toBe('PermanentError');
    expect(Object.hasOwn(new PermanentError('p'), 'cause')).toBe(false);
  });
});

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isTransientNetworkError: the one list of network failures', () => {
  it.each([
    'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN',
    'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CLOSED', 'ERR_NOT_CONNECTED',
  ])('%s, on the error or deep in its cause chain, is transient', (code) => {
    expect(isTransientNetworkError(coded(code))).toBe(true);
    // what fetch throws: TypeError('fetch failed') → undici error → errno error
    const wrapped = new Error('sdk: connection error', { cause: new TypeError('fetch failed', { cause: new Error('other side closed', { cause: coded(code) }) }) });
    expect(transientNetworkCode(wrapped)).toBe(code);
  });

  it.each(['ENOENT', 'EACCES', 'ENOSPC', 'ERR_INVALID_URL', 'ABORT_ERR', 'UND_ERR_ABORTED', 'ECONNRESETX', 'econnreset'])(
    '%s is not a network failure',
    (code) => expect(isTransientNetworkError(coded(code, 'nope'))).toBe(false),
  );

  it('knows Node’s "socket hang up" and undici’s bare "fetch failed"', () => {
    expect(isTransientNetworkError(new Error('socket hang up'))).toBe(true);
    expect(isTransientNetworkError(new TypeError('fetch failed'))).toBe(true);
    expect(isTransientNetworkError(new Error('wrapped', { cause: new TypeError('fetch failed') }))).toBe(true);
    expect(isTransientNetworkError(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(isTransientNetworkError(new DOMException('This operation was aborted', 'AbortError'))).toBe(false);
    expect(isTransientNetworkError('ECONNRESET')).toBe(false);
    expect(isTransientNetworkError(null)).toBe(false);
  });

  it('stops at a cause cycle instead of looping', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isTransientNetworkError(a)).toBe(false);
  });

  it('separates "nothing answers" from one dropped request', () => {
    expect(unreachableCode(new Error('x', { cause: coded('ECONNREFUSED') }))).toBe('ECONNREFUSED');
    expect(unreachableCode(coded('ENOTFOUND'))).toBe('ENOTFOUND');
    expect(unreachableCode(coded('ECONNRESET'))).toBeUndefined();
    expect(unreachableCode(new Error('socket hang up'))).toBeUndefined();
  });
});
