import { Observable, catchError, defer, exhaustMap, mergeMap, of, timer } from 'rxjs';
import type { SftpPoller } from '../src/sftp/sftp-poller.ts';
import type { FoundFile } from '../src/recording.ts';

export interface SftpPollOptions {
  poller: SftpPoller;
  /** Poll forever every `pollIntervalMs`; false: one pass (two listings `settleMs` apart), then complete. */
  continuous: boolean;
  pollIntervalMs: number;
  settleMs: number;
}

/**
 * Complete files on the SFTP server: a tick, then one listing at a time (`exhaustMap`: a slow
 * listing is never overlapped by the next tick). A failed poll yields nothing (the poller logs,
 * counts and alerts it) and the next tick is the retry: the stream never errors.
 */
export function sftpFiles(options: SftpPollOptions): Observable<FoundFile> {
  const { poller } = options;
  const listing = options.continuous ? () => poller.poll() : () => poller.pollTwice(options.settleMs);
  return (options.continuous ? timer(0, options.pollIntervalMs) : of(0)).pipe(
    exhaustMap(() => defer(listing).pipe(catchError(() => of([] as FoundFile[])))),
    mergeMap((files) => files),
  );
}
