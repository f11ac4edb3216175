import type { Logger } from 'pino';
import { EMPTY, Observable, catchError, concatMap, defer, from, fromEventPattern, merge, mergeMap, of, timer } from 'rxjs';
import type { Ledger } from '../src/ledger/ledger.ts';
import type { ClaimedFile, FoundFile } from '../src/recording.ts';

export interface RecordingsOptions {
  ledger: Ledger;
  log: Logger;
  /** How often to pick up rows put back to pending (`recpipe retry`); undefined: only at start. */
  resumeIntervalMs?: number;
  /** Registers a listener called when paused intake resumes (ServiceGate.onReopen): pending rows are picked up at once. */
  onResume?: (listener: () => void) => () => void;
}

/**
 * One stream of claimed recordings: every source merged, each file claimed in the ledger (a
 * known file, a second listing, or the same file from another source stops here, before the
 * pipeline's buffer), plus rows left pending by a crash or a retry.
 */
export function claimedRecordings(sources: Array<Observable<FoundFile>>, options: RecordingsOptions): Observable<ClaimedFile> {
  const { ledger, log } = options;
  const claimed$ = merge(...sources).pipe(
    concatMap((found) =>
      defer(() => ledger.claim(found)).pipe(
        mergeMap((file) => (file ? of(file) : EMPTY)),
        catchError((error: unknown) => {
          log.error({ err: error, path: found.path }, 'ledger claim failed; the file is seen again at the next scan');
          return EMPTY;
        }),
      ),
    ),
  );
  const ticks$ = options.resumeIntervalMs === undefined ? of(0) : timer(0, options.resumeIntervalMs);
  const onResume = options.onResume;
  const resumeTicks$ =
    onResume && options.resumeIntervalMs !== undefined
      ? merge(ticks$, fromEventPattern<void>((handler: () => void) => onResume(handler), (_handler, unregister: () => void) => unregister()))
      : ticks$;
  const resumed$ = resumeTicks$.pipe(
    concatMap(() =>
      defer(async () => {
        const swept = await ledger.sweep();
        if (swept > 0) log.info({ recordings: swept }, 'recordings that failed by transient errors are pending again');
        return ledger.claimPending();
      }).pipe(
        catchError((error: unknown) => {
          log.error({ err: error }, 'could not read pending recordings from the ledger');
          return of([] as ClaimedFile[]);
        }),
      ),
    ),
    mergeMap((files) => from(files)),
  );
  return merge(resumed$, claimed$);
}
