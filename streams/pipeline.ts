import type { Logger } from 'pino';
import {
  Observable,
  Subject,
  catchError,
  defer,
  finalize,
  map,
  mergeMap,
  of,
  takeUntil,
  tap,
  type Subscription,
} from 'rxjs';
import { PermanentError, StageError, innerError, isAborted, isTransient, messageOf, serviceErrorOf, stageOf } from '../src/errors.ts';
import type { Ledger } from '../src/ledger/ledger.ts';
import { retryLedgerWrite } from '../src/ledger/ledger-write-retry.ts';
import type { Metrics } from '../src/observability/metrics.ts';
import type { RetryPolicy } from '../src/pipeline/backoff.ts';
import type { ServiceGate } from '../src/pipeline/service-gate.ts';
import type { Outcome } from '../src/pipeline/outcome.ts';
import type { ClaimedFile } from '../src/recording.ts';
import { fromAbortable, retryTransient } from './operators.ts';

export interface PipelineDeps {
  ledger: Ledger;
  /** Runs the stages of one recording (checkpointed, so a retry resumes). */
  process: (file: ClaimedFile, signal: AbortSignal) => Promise<Outcome>;
  /** Moves a failed recording to failed/ and records why; never throws. */
  fail: (file: ClaimedFile, error: unknown, attempts: number, options: { transient: boolean }) => Promise<Outcome>;
  onOutcome: (outcome: Outcome) => void;
  concurrency: number;
  retry: RetryPolicy;
  metrics: Metrics;
  log: Logger;
  /** Service-level trouble pauses intake here: recordings are released to pending, not failed. */
  gate?: Pick<ServiceGate, 'beforeStart' | 'close'>;
}

/** A running pipeline: `done` resolves when the intake ended and every recording settled. */
export interface RunningPipeline {
  done: Promise<void>;
  /**
   * Two-phase shutdown: stop intake, let in-flight recordings finish within `deadlineMs`, then
   * abort what is left (it goes back to pending) and wait `graceMs` for that to settle.
   * Resolves true when everything settled before the deadline.
   */
  shutdown(deadlineMs: number, graceMs?: number): Promise<boolean>;
}

/**
 * The one subscription of the program: claimed recordings → mergeMap(process, CONCURRENCY), each
 * isolated (retries inside, a failure becomes an outcome value) so the stream never errors.
 */
export function startPipeline(recordings$: Observable<ClaimedFile>, deps: PipelineDeps): RunningPipeline {
  const { ledger, metrics, log } = deps;
  const stopIntake$ = new Subject<void>();
  const abortAll = new AbortController();
  let draining = false;

  const attempt = async (file: ClaimedFile, tracker: { attempts: number; begun: boolean }, signal: AbortSignal): Promise<Outcome> => {
    tracker.begun = false;
    await deps.gate?.beforeStart();
    tracker.attempts = await ledger.begin(file.seq);
    tracker.begun = true;
    if (tracker.attempts > deps.retry.maxAttempts) {
      // a recording that crashed the process on every try must not crash it forever
      throw new StageError(
        'start',
        new PermanentError(`gave up: ${tracker.attempts - 1} attempts already made (MAX_ATTEMPTS=${deps.retry.maxAttempts})`),
      );
    }
    try {
      return await deps.process(file, signal);
    } catch (error) {
      if (isTransient(error) && !signal.aborted) {
        await ledger.noteError(file.seq, stageOf(error), messageOf(error)).catch(() => {});
      }
      throw error;
    }
  };

  const release = (file: ClaimedFile, refund = false, reason?: string): Observable<Outcome> =>
    // a busy ledger must not leave the row `processing` until the next restart: wait out the lock
    defer(() => retryLedgerWrite(() => ledger.release(file.seq, { refund }))).pipe(
      map((): Outcome => ({ kind: 'released', file, reason })),
      catchError(() => of<Outcome>({ kind: 'released', file, reason })),
    );

  const processIsolated = (file: ClaimedFile): Observable<Outcome> =>
    defer(() => {
      metrics.waiting.dec();
      if (draining) return release(file);
      metrics.inFlight.inc();
      const tracker = { attempts: file.attempts, begun: false };
      return fromAbortable((signal) => attempt(file, tracker, signal), abortAll.signal).pipe(
        retryTransient<Outcome>(
          deps.retry,
          () => tracker.attempts,
          (error, delayMs) => {
            metrics.countRetry((innerError(error) as { system?: string }).system);
            log.info({ seq: file.seq, file: file.relativePath, err: messageOf(error), delayMs, attempt: tracker.attempts }, 'transient error, retrying');
          },
        ),
        catchError((error: unknown) => {
          if (isAborted(error) || abortAll.signal.aborted) return release(file);
          const service = serviceErrorOf(error);
          if (service) {
            // the service's trouble, not the recording's: pending again, this attempt not counted
            deps.gate?.close(service);
            return release(file, tracker.begun, service.message);
          }
          const transient = isTransient(error);
          const final = transient
            ? new StageError(stageOf(error), new Error(`gave up after ${tracker.attempts} attempts: ${messageOf(innerError(error))}`))
            : error;
          return defer(() => deps.fail(file, final, tracker.attempts, { transient }));
        }),
        finalize(() => metrics.inFlight.dec()),
      );
    });

  let subscription: Subscription | undefined;
  const done = new Promise<void>((resolve) => {
    subscription = recordings$
      .pipe(
        takeUntil(stopIntake$),
        tap(() => metrics.waiting.inc()),
        mergeMap(processIsolated, deps.concurrency),
      )
      .subscribe({
        next: (outcome) => deps.onOutcome(outcome),
        error: (error: unknown) => {
          // unreachable by design (every item is isolated); never leave the process hanging
          log.fatal({ err: error }, 'pipeline stream errored');
          resolve();
        },
        complete: () => resolve(),
      });
  });

  return {
    done,
    async shutdown(deadlineMs: number, graceMs = 5000): Promise<boolean> {
      draining = true;
      stopIntake$.next();
      stopIntake$.complete();
      const settled = await settlesWithin(done, deadlineMs);
      if (settled) return true;
      log.warn({ deadlineMs }, 'shutdown deadline reached; aborting in-flight recordings (they stay pending)');
      abortAll.abort();
      if (!(await settlesWithin(done, graceMs))) subscription?.unsubscribe();
      return false;
    },
  };
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
