import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';

/** Bound on remembered entries, so an inbox filling with odd names cannot grow memory for ever. */
const REMEMBERED = 10_000;

/**
 * Reports inbox entries the service leaves alone (symlinks, names that are not UTF-8): a warning
 * and `files_refused_total{source="inbox"}` once per entry per process, although every rescan
 * meets them again. Never silent: an operator dropping such a file should learn why nothing happens.
 */
export class InboxRefusals {
  private readonly seen = new Set<string>();

  constructor(private readonly deps: { log: Logger; metrics: Metrics }) {}

  report(where: string, reason: string): void {
    const key = `${where}\0${reason}`;
    if (this.seen.has(key)) return;
    if (this.seen.size >= REMEMBERED) this.seen.clear();
    this.seen.add(key);
    const kind = /UTF-8/.test(reason) ? 'undecodable name' : /symbolic link|outside/.test(reason) ? 'symlink' : 'other';
    this.deps.metrics.filesRefused.inc({ source: 'inbox', reason: kind });
    this.deps.log.warn({ path: where, reason }, 'inbox entry left alone');
  }
}
