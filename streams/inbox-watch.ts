import { watch } from 'chokidar';
import path from 'node:path';
import type { Logger } from 'pino';
import { EMPTY, Observable, catchError, defer, exhaustMap, merge, mergeMap, of, timer } from 'rxjs';
import { isInboxCandidate, statInboxFile, type OnInboxRefusal } from '../src/inbox/inbox-folder.ts';
import { scanStable } from '../src/inbox/scan-stable.ts';
import type { FoundFile } from '../src/recording.ts';

export interface InboxOptions {
  root: string;
  /** Watch for new files (chokidar) and rescan periodically; false: one scan, then complete. */
  watch: boolean;
  stableMs: number;
  rescanIntervalMs: number;
  log: Logger;
  /** Receives the watcher's close() promise so shutdown can await it. */
  onClose?: (closing: Promise<void>) => void;
  /** Hears about entries left alone (symlinks, undecodable names); the receiver reports each once. */
  onRefusal?: OnInboxRefusal;
}

/**
 * Complete files in the inbox: a stable scan at start, chokidar events (after awaitWriteFinish,
 * re-checked), and a slow periodic rescan because chokidar loses events under bursts.
 * Re-emitting a known file is harmless: the ledger claim drops it.
 */
export function inboxFiles(options: InboxOptions): Observable<FoundFile> {
  const scans$ = (options.watch ? timer(0, options.rescanIntervalMs) : of(0)).pipe(
    exhaustMap(() =>
      defer(() => scanStable(options.root, options.stableMs, undefined, options.onRefusal)).pipe(
        catchError((error: unknown) => {
          options.log.warn({ err: error, inbox: options.root }, 'inbox scan failed; the next scan retries');
          return of([] as FoundFile[]);
        }),
      ),
    ),
    mergeMap((files) => files),
  );
  return options.watch ? merge(scans$, watchEvents(options)) : scans$;
}

function watchEvents(options: InboxOptions): Observable<FoundFile> {
  return new Observable<string>((subscriber) => {
    const watcher = watch(options.root, {
      ignoreInitial: true,
      // a symlinked folder would have the service transcribe, then move away, files from elsewhere
      followSymlinks: false,
      awaitWriteFinish: { stabilityThreshold: Math.max(options.stableMs, 100), pollInterval: 100 },
      // directories must pass so chokidar recurses; files are filtered by name
      ignored: (file, stats) =>
        path.basename(file).startsWith('.') || (stats?.isFile() === true && !isInboxCandidate(options.root, file)),
    });
    watcher.on('add', (file) => subscriber.next(file));
    watcher.on('change', (file) => subscriber.next(file));
    watcher.on('error', (error) => options.log.warn({ err: error }, 'inbox watcher error; periodic rescans continue'));
    return () => {
      const closing = watcher.close();
      options.onClose?.(closing);
    };
  }).pipe(
    mergeMap((file) =>
      defer(async () => {
        // awaitWriteFinish already waited for a stable size
        return isInboxCandidate(options.root, file) ? statInboxFile(options.root, file, options.onRefusal) : undefined;
      }).pipe(
        mergeMap((found) => (found ? of(found) : EMPTY)),
        catchError(() => EMPTY),
      ),
    ),
  );
}
