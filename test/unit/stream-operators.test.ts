import { defer, firstValueFrom, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, PermanentError, StageError, TransientError } from '../../src/errors.ts';
import type { RetryPolicy } from '../../src/pipeline/backoff.ts';
import { fromAbortable, retryTransient } from '../../streams/operators.ts';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/**
 * A deferred source that fails with the n-th error of `errors` on its n-th subscription and
 * emits `a` once they are used up; `subscriptions` counts how often retry re-subscribed.
 */
function attempts(helpers: { cold: TestScheduler['createColdObservable'] }, errors: unknown[]) {
  let subscriptions = 0;
  const source$: Observable<string> = defer(() => {
    const error = errors[subscriptions];
    subscriptions += 1;
    return error === undefined ? helpers.cold('-a|') : helpers.cold('-#', undefined, error);
  });
  return { source$, count: () => subscriptions };
}

afterEach(() => vi.restoreAllMocks());

describe('retryTransient', () => {
  it('re-subscribes after a transient error, waiting the server’s Retry-After', () => {
    scheduler().run((helpers) => {
      const { source$, count } = attempts(helpers, [new TransientError('429', { retryAfterMs: 50 })]);
      // 1 ms to fail, 50 ms wait, then the second attempt emits a after 1 ms
      helpers.expectObservable(source$.pipe(retryTransient(policy, count))).toBe('- 50ms -a|');
    });
  });

  it('passes a permanent error through at once, without another attempt', () => {
    scheduler().run((helpers) => {
      const error = new PermanentError('bad audio');
      const { source$, count } = attempts(helpers, [error]);
      helpers.expectObservable(source$.pipe(retryTransient(policy, count))).toBe('-#', undefined, error);
      helpers.flush();
      expect(count()).toBe(1);
    });
  });

  it('treats an unclassified error as permanent', () => {
    scheduler().run((helpers) => {
      const error = new Error('TypeError somewhere');
      const { source$, count } = attempts(helpers, [error]);
      helpers.expectObservable(source$.pipe(retryTransient(policy, count))).toBe('-#', undefined, error);
    });
  });

  it('looks inside a StageError for the classification and the Retry-After', () => {
    scheduler().run((helpers) => {
      const { source$, count } = attempts(helpers, [new StageError('transcribe', new TransientError('503', { retryAfterMs: 20 }))]);
      helpers.expectObservable(source$.pipe(retryTransient(policy, count))).toBe('- 20ms -a|');
    });
  });

  it('gives up with the last error once the attempts reach MAX_ATTEMPTS', () => {
    scheduler().run((helpers) => {
      const errors = [1, 2, 3].map((n) => new TransientError(`down ${n}`, { retryAfterMs: 10 }));
      const { source$, count } = attempts(helpers, [...errors, undefined]);
      const three: RetryPolicy = { ...policy, maxAttempts: 3 };
      // fail, wait 10, fail, wait 10, fail: the third error goes out
      helpers.expectObservable(source$.pipe(retryTransient(three, count))).toBe('- 10ms - 10ms -#', undefined, errors[2]);
    });
  });

  it('counts attempts made before this subscription (a crash loop does not start afresh)', () => {
    scheduler().run((helpers) => {
      const error = new TransientError('down', { retryAfterMs: 10 });
      const { source$, count } = attempts(helpers, [error, undefined]);
      const earlier = 4;
      helpers.expectObservable(source$.pipe(retryTransient(policy, () => earlier + count()))).toBe('-#', undefined, error);
    });
  });

  it('caps a huge Retry-After at maxDelayMs', () => {
    scheduler().run((helpers) => {
      const { source$, count } = attempts(helpers, [new TransientError('slow down', { retryAfterMs: 3_600_000 })]);
      helpers.expectObservable(source$.pipe(retryTransient(policy, count))).toBe('- 1000ms -a|');
    });
  });

  it('backs off exponentially with full jitter when the server gives no Retry-After', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    scheduler().run((helpers) => {
      const errors = [1, 2, 3].map((n) => new TransientError(`reset ${n}`));
      const { source$, count } = attempts(helpers, [...errors, undefined]);
      // half of 100, 200, 400 ms
      helpers.expectObservable(source$.pipe(retryTransient(policy, count))).toBe('- 50ms - 100ms - 200ms -a|');
    });
  });

  it('never waits longer than the cap, and can retry at once (jitter down to 0)', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    scheduler().run((helpers) => {
      const { source$, count } = attempts(helpers, [new TransientError('reset')]);
      helpers.expectObservable(source$.pipe(retryTransient(policy, count))).toBe('--a|');
    });
    random.mockReturnValue(0.999_999);
    scheduler().run((helpers) => {
      const errors = Array.from({ length: 6 }, () => new TransientError('reset'));
      const { source$, count } = attempts(helpers, [...errors, undefined]);
      const many: RetryPolicy = { ...policy, maxAttempts: 10 };
      // ceilings 100, 200, 400, 800, then the 1000 ms cap twice (each just under)
      helpers.expectObservable(source$.pipe(retryTransient(many, count))).toBe('- 99ms - 199ms - 399ms - 799ms - 999ms - 999ms -a|');
    });
  });

  it('tells onRetry about each retried error and its delay, not about the final one', () => {
    const seen: Array<[string, number]> = [];
    scheduler().run((helpers) => {
      const errors = [new TransientError('first', { retryAfterMs: 5 }), new TransientError('second', { retryAfterMs: 7 })];
      const { source$, count } = attempts(helpers, [...errors, new PermanentError('third')]);
      helpers
        .expectObservable(source$.pipe(retryTransient(policy, count, (error, delayMs) => seen.push([(error as Error).message, delayMs]))))
        .toBe('- 5ms - 7ms -#', undefined, new PermanentError('third'));
    });
    expect(seen).toEqual([
      ['first', 5],
      ['second', 7],
    ]);
  });

  it('does not retry after the subscriber has gone (shutdown unsubscribes)', () => {
    scheduler().run((helpers) => {
      const { source$, count } = attempts(helpers, [new TransientError('down', { retryAfterMs: 10 }), undefined]);
      helpers.expectObservable(source$.pipe(retryTransient(policy, count)), '^ 5ms !').toBe('');
      helpers.flush();
      expect(count()).toBe(1);
    });
  });
});

describe('fromAbortable', () => {
  it('emits the resolved value and completes', async () => {
    await expect(firstValueFrom(fromAbortable(async () => 42))).resolves.toBe(42);
  });

  it('errors with the rejection, so retryTransient can see it', async () => {
    const error = new TransientError('socket hang up');
    await expect(firstValueFrom(fromAbortable(async () => Promise.reject(error)))).rejects.toBe(error);
  });

  it('runs the call again on each subscription (a retry is a new attempt)', async () => {
    let calls = 0;
    const once$ = fromAbortable(async () => ++calls);
    await firstValueFrom(once$);
    await firstValueFrom(once$);
    expect(calls).toBe(2);
  });

  it('aborts the call when the subscriber unsubscribes', async () => {
    let signal: AbortSignal | undefined;
    const subscription = fromAbortable((s) => {
      signal = s;
      return new Promise<never>(() => {});
    }).subscribe();
    expect(signal?.aborted).toBe(false);
    subscription.unsubscribe();
    expect(signal?.aborted).toBe(true);
  });

  it('aborts the call when the outer signal fires (the shutdown deadline)', async () => {
    const outer = new AbortController();
    let signal: AbortSignal | undefined;
    const result = firstValueFrom(
      fromAbortable(
        (s) =>
          new Promise<string>((_, reject) => {
            signal = s;
            s.addEventListener('abort', () => reject(new Error('aborted')));
          }),
        outer.signal,
      ),
    );
    outer.abort();
    await expect(result).rejects.toThrow('aborted');
    expect(signal?.aborted).toBe(true);
  });

  it('starts no call once the outer signal has fired: a retry after the shutdown abort is not an attempt', async () => {
    const outer = new AbortController();
    outer.abort();
    let calls = 0;
    const error = await firstValueFrom(fromAbortable(async () => ++calls, outer.signal)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(calls).toBe(0);
  });

  it('keeps an error thrown after unsubscribing from reaching anyone', async () => {
    let reject: (error: unknown) => void = () => {};
    const errors: unknown[] = [];
    const subscription = fromAbortable(() => new Promise<never>((_, r) => (reject = r))).subscribe({ error: (e: unknown) => errors.push(e) });
    subscription.unsubscribe();
    reject(new Error('late'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([]);
  });
});

// keeps the marble helper honest: a source that errors on every subscription errors in the end
describe('attempts() helper', () => {
  it('errors each time until its errors are used up', () => {
    scheduler().run((helpers) => {
      const { source$ } = attempts(helpers, [new Error('x')]);
      helpers.expectObservable(source$).toBe('-#', undefined, new Error('x'));
      helpers.expectObservable(source$).toBe('-a|');
    });
  });

  it('compares errors by value, so the right error has to come out', () => {
    expect(() =>
      scheduler().run((helpers) => {
        helpers.expectObservable(throwError(() => new Error('one'))).toBe('#', undefined, new Error('two'));
      }),
    ).toThrow();
  });
});
