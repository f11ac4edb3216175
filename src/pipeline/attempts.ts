import { PermanentError, StageError, innerError, isTransient, messageOf, stageOf } from '../errors.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ClaimedFile } from '../recording.ts';
import type { RetryPolicy } from './backoff.ts';
import type { ServiceGate } from './service-gate.ts';

/** One recording's attempt count as the ledger has it, and whether this process began one. */
export interface AttemptTracker {
  attempts: number;
  /** True once `begin` counted an attempt (a service-level release then refunds it). */
  begun: boolean;
}

/**
 * The attempt bookkeeping of recordings, in the ledger so it survives restarts: an attempt begins
 * when a recording enters the pipeline and again at each retry of whichever stage failed; a
 * recording whose attempts already exceed MAX_ATTEMPTS (it crashed the process every time) is
 * given up instead of run; a transient error that will be retried is noted on the row.
 */
export class Attempts {
  constructor(
    private readonly deps: {
      ledger: Ledger;
      retry: RetryPolicy;
      /** Service-level trouble: no attempt begins while it is closed (ServiceError thrown). */
      gate?: Pick<ServiceGate, 'beforeStart'>;
    },
  ) {}

  tracker(file: ClaimedFile): AttemptTracker {
    return { attempts: file.attempts, begun: false };
  }

  async begin(file: ClaimedFile, tracker: AttemptTracker): Promise<void> {
    tracker.begun = false;
    await this.deps.gate?.beforeStart();
    tracker.attempts = await this.deps.ledger.begin(file.seq);
    tracker.begun = true;
    if (tracker.attempts > this.deps.retry.maxAttempts) {
      // a recording that crashed the process on every try must not crash it forever
      throw new StageError(
        'start',
        new PermanentError(`gave up: ${tracker.attempts - 1} attempts already made (MAX_ATTEMPTS=${this.deps.retry.maxAttempts})`),
      );
    }
  }

  /** Notes a transient error on the row (what `recpipe status` shows while it is retried). */
  async noteError(file: ClaimedFile, error: unknown, signal: AbortSignal): Promise<void> {
    if (!isTransient(error) || signal.aborted) return;
    await this.deps.ledger.noteError(file.seq, stageOf(error), messageOf(error)).catch(() => {});
  }

  /** The error a recording is failed with: a transient one that ran out of attempts says so. */
  finalError(error: unknown, tracker: AttemptTracker): unknown {
    if (!isTransient(error)) return error;
    return new StageError(stageOf(error), new Error(`gave up after ${tracker.attempts} attempts: ${messageOf(innerError(error))}`));
  }
}
