import type { Logger } from 'pino';
import {
  Observable,
  Subject,
  catchError,
  concatMap,
  defer,
  map,
  of,
  takeUntil,
  tap,
  type Subscription,
} from 'rxjs';
import { PermanentError, StageError, innerError, isAborted, isTransient, messageOf, serviceErrorOf } from '../src/errors.ts';
import type { Ledger } from '../src/ledger/ledger.ts';
import { isLeaseLost } from '../src/ledger/lease-lost-error.ts';
import { retryLedgerWrite } from '../src/ledger/ledger-write-retry.ts';
import type { Metrics } from '../src/observability/metrics.ts';
import { Attempts, type AttemptTracker } from '../src/pipeline/attempts.ts';
import type { RetryPolicy } from '../src/pipeline/backoff.ts';
import type { ServiceGate } from '../src/pipeline/service-gate.ts';
import type { Outcome } from '../src/pipeline/outcome.ts';
import type { ClaimedFile } from '../src/recording.ts';
import { Credits } from './credits.ts';
import { fromAbortable, retryTransient } from './operators.ts';
import { stageOperator } from './stage-operator.ts';

/** One stage of a recording, bounded on its own; an outcome ends the recording (later stages skipped). */
export interface PipelineStage<C> {
  name: string;
  concurrency: number;
  run: (run: C, signal: AbortSignal) => Promise<Outcome | undefined>;
  /**
   * While draining, a recording that reaches this stage still runs it (the work that completes
   * what was paid for). Otherwise it is released at the stage boundary, its checkpoints kept.
   */
  runsWhileDraining?: boolean;
}

/** The stages every recording goes through, and the per-recording value they pass along. */
export interface PipelineStages<C> {
  /** A new run of one recording (may throw: the recording fails before any stage). */
  start: (file: ClaimedFile) => C;
  stages: ReadonlyArray<PipelineStage<C>>;
}

export interface PipelineDeps<C = unknown> {
  ledger: Ledger;
  /**
   * The stages of one recording, each an operator with its own bound (fetch, prepare,
   * transcribe, finish): checkpointed, so a transient error retries only its own stage.
   */
  stages?: PipelineStages<C>;
  /** Runs all stages of one recording as one stage bounded by `concurrency` (when `stages` is absent). */
  process?: (file: ClaimedFile, signal: AbortSignal) => Promise<Outcome>;
  /** Moves a failed recording to failed/ and records why; never throws. */
  fail: (file: ClaimedFile, error: unknown, attempts: number, options: { transient: boolean }) => Promise<Outcome>;
  onOutcome: (outcome: Outcome) => void;
  /** CONCURRENCY: the bound of `process`. */
  concurrency: number;
  /** Recordings inside the stages at once; default the sum of the stage bounds + one per gap between stages. */
  inPipeline?: number;
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

/** One recording in the topology: its run, its attempts, and its outcome once it has one. */
interface Item<C> {
  file: ClaimedFile;
  tracker: AttemptTracker;
  run?: C;
  /** Tries of each stage so far: a retry of any stage is a new attempt in the ledger. */
  tries: number[];
  outcome?: Outcome;
}

/**
 * The one subscription of the program: claimed recordings → a credit each (the global bound) →
 * one operator per stage, each with its own concurrency and a buffer before it, so CPU work of
 * some recordings overlaps the API waits of others. Each recording is isolated in every stage
 * (retries inside, a failure becomes an outcome value that skips the later stages): the stream never errors.
 */
export function startPipeline<C>(recordings$: Observable<ClaimedFile>, deps: PipelineDeps<C>): RunningPipeline {
  const { ledger, metrics, log } = deps;
  const stopIntake$ = new Subject<void>();
  const abortAll = new AbortController();
  const attempts = new Attempts({ ledger, retry: deps.retry, gate: deps.gate });
  const stages = stagesOf(deps);
  const credits = new Credits(deps.inPipeline ?? stages.stages.reduce((sum, s) => sum + s.concurrency, 0) + stages.stages.length - 1);
  let draining = false;

  const runStage = async (item: Item<C>, index: number, signal: AbortSignal): Promise<Outcome | undefined> => {
    const tries = item.tries[index] ?? 0;
    item.tries[index] = tries + 1;
    // an attempt begins when the recording enters, and again at every retry of the stage that failed
    if (index === 0 || tries > 0) await attempts.begin(item.file, item.tracker);
    item.run ??= stages.start(item.file);
    try {
      const outcome = await stages.stages[index]!.run(item.run, signal);
      if (!outcome && index === stages.stages.length - 1) throw new PermanentError('bug: the last stage ended without an outcome');
      return outcome;
    } catch (error) {
      await attempts.noteError(item.file, error, signal);
      throw error;
    }
  };

  const release = (file: ClaimedFile, refund = false, reason?: string): Observable<Outcome> =>
    // a busy ledger must not leave the row `processing` until the next restart: wait out the lock
    defer(() => retryLedgerWrite(() => ledger.release(file.seq, { refund }))).pipe(
      map((): Outcome => ({ kind: 'released', file, reason })),
      catchError(() => of<Outcome>({ kind: 'released', file, reason })),
    );

  const settle = (item: Item<C>, error: unknown): Observable<Outcome> => {
    const { file, tracker } = item;
    if (isLeaseLost(error)) {
      // another instance owns it now: neither failed nor released, just dropped here
      log.warn({ seq: file.seq, file: file.relativePath }, 'lease lost: another instance took this recording over');
      return of<Outcome>({ kind: 'released', file, reason: 'lease lost' });
    }
    if (isAborted(error) || abortAll.signal.aborted) return release(file);
    const service = serviceErrorOf(error);
    if (service) {
      // the service's trouble, not the recording's: pending again, this attempt not counted
      deps.gate?.close(service);
      return release(file, tracker.begun, service.message);
    }
    return defer(() => deps.fail(file, attempts.finalError(error, tracker), tracker.attempts, { transient: isTransient(error) }));
  };

  const isolated = (index: number) => (item: Item<C>): Observable<Item<C>> =>
    defer(() => {
      // draining: what is inside a stage finishes it; nothing new starts but the finishing stages.
      // A recording stopped between stages is the service's doing: its attempt is not counted.
      if (draining && !stages.stages[index]!.runsWhileDraining) return release(item.file, index > 0 && item.tracker.begun);
      return fromAbortable((signal) => runStage(item, index, signal), abortAll.signal).pipe(
        retryTransient<Outcome | undefined>(
          deps.retry,
          () => item.tracker.attempts,
          (error, delayMs) => {
            metrics.countRetry((innerError(error) as { system?: string }).system);
            log.info(
              { seq: item.file.seq, file: item.file.relativePath, stage: stages.stages[index]!.name, err: messageOf(error), delayMs, attempt: item.tracker.attempts },
              'transient error, retrying the stage',
            );
          },
        ),
        catchError((error: unknown) => settle(item, error)),
      );
    }).pipe(
      map((outcome) => {
        if (outcome) item.outcome = outcome;
        return item;
      }),
    );

  const settled = (item: Item<C>) => item.outcome !== undefined;
  const topology = stages.stages.map((stage, index) => stageOperator<Item<C>>(stage.concurrency, settled, isolated(index)));

  let subscription: Subscription | undefined;
  const done = new Promise<void>((resolve) => {
    subscription = recordings$
      .pipe(
        takeUntil(stopIntake$),
        tap(() => metrics.waiting.inc()),
        // the global bound: beyond it, claimed recordings wait here, outside every stage
        concatMap((file) =>
          defer(async (): Promise<Item<C>> => {
            await credits.acquire();
            metrics.waiting.dec();
            metrics.inFlight.inc();
            return { file, tracker: attempts.tracker(file), tries: [] };
          }),
        ),
        (items: Observable<Item<C>>) => topology.reduce((flow, stage) => flow.pipe(stage), items),
        map((item) => {
          credits.release();
          metrics.inFlight.dec();
          return item.outcome!;
        }),
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
      // recordings waiting for a credit go on at once, to be released
      credits.open();
      const settled = await settlesWithin(done, deadlineMs);
      if (settled) return true;
      log.warn({ deadlineMs }, 'shutdown deadline reached; aborting in-flight recordings (they stay pending)');
      abortAll.abort();
      if (!(await settlesWithin(done, graceMs))) subscription?.unsubscribe();
      return false;
    },
  };
}

/** The configured stages, or `process` as the only one. */
function stagesOf<C>(deps: PipelineDeps<C>): PipelineStages<C> {
  if (deps.stages) return deps.stages;
  const process = deps.process;
  if (!process) throw new Error('startPipeline needs stages or process');
  // the run is the file itself: `process` reads nothing else
  const single: PipelineStages<ClaimedFile> = {
    start: (file) => file,
    stages: [{ name: 'process', concurrency: deps.concurrency, run: (file, signal) => process(file, signal) }],
  };
  return single as unknown as PipelineStages<C>;
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
