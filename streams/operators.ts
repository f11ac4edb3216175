import { Observable, retry, throwError, timer, type MonoTypeOperatorFunction } from 'rxjs';
import { AbortedError, isTransient, retryAfterMsOf } from '../src/errors.ts';
import { backoffDelayMs, type RetryPolicy } from '../src/pipeline/backoff.ts';

/**
 * Re-subscribes (so a `defer`red attempt runs again) after transient errors, waiting per
 * `backoffDelayMs`. `attemptsSoFar` reads the ledger's attempt count, so attempts made before a
 * crash count too; `onRetry` sees each error that will be retried.
 */
export function retryTransient<T>(
  policy: RetryPolicy,
  attemptsSoFar: () => number,
  onRetry: (error: unknown, delayMs: number) => void = () => {},
): MonoTypeOperatorFunction<T> {
  return retry<T>({
    delay: (error: unknown, retryCount: number) => {
      if (!isTransient(error) || attemptsSoFar() >= policy.maxAttempts) return throwError(() => error);
      const delayMs = backoffDelayMs(policy, retryCount, retryAfterMsOf(error));
      onRetry(error, delayMs);
      return timer(delayMs);
    },
  });
}

/**
 * Runs an abortable async call as an Observable: unsubscribing (shutdown deadline, cancellation)
 * aborts it through its AbortSignal. `outer` aborts it too, and once it has fired no call starts
 * (the subscriber gets an AbortedError instead).
 */
export function fromAbortable<T>(run: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Observable<T> {
  return new Observable<T>((subscriber) => {
    // a retry scheduled before shutdown aborted everything must not start another attempt
    if (outer?.aborted) {
      subscriber.error(new AbortedError());
      return;
    }
    const controller = new AbortController();
    const signal = outer ? AbortSignal.any([controller.signal, outer]) : controller.signal;
    run(signal).then(
      (value) => {
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => subscriber.error(error),
    );
    return () => controller.abort();
  });
}
