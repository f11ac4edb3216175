import type { Logger } from 'pino';
import { messageOf } from '../errors.ts';
import type { Notifier } from '../publish/notifier.ts';

/**
 * The state of a polled source for /ready, and its outage alerts: after `alertAfter`
 * consecutive failed polls one "down" alert, and one "recovered" alert when a poll works again.
 */
export class SourceHealth {
  private lastOkAt?: number;
  private lastFailedAt?: number;
  private lastError?: string;
  private consecutiveFailures = 0;
  private downSince?: number;
  private alerted = false;
  private detail = 'no poll yet';

  constructor(
    readonly name: string,
    private readonly deps: { log: Logger; notifier?: Notifier; alertAfter: number },
  ) {}

  async succeeded(detail: string): Promise<void> {
    this.lastOkAt = Date.now();
    this.lastError = undefined;
    this.consecutiveFailures = 0;
    if (this.alerted && this.downSince !== undefined) {
      this.deps.log.info({ source: this.name }, 'source recovered');
      await this.deps.notifier?.sourceRecovered(this.name, Date.now() - this.downSince);
    }
    this.alerted = false;
    this.downSince = undefined;
    this.detail = detail;
  }

  async failed(error: unknown): Promise<void> {
    this.lastFailedAt = Date.now();
    this.lastError = messageOf(error);
    this.consecutiveFailures++;
    this.downSince ??= this.lastFailedAt;
    this.deps.log.warn({ source: this.name, err: this.lastError, consecutiveFailures: this.consecutiveFailures }, 'source poll failed; the next poll retries');
    if (!this.alerted && this.consecutiveFailures >= this.deps.alertAfter) {
      this.alerted = true;
      await this.deps.notifier?.sourceDown(this.name, this.lastError, this.consecutiveFailures);
    }
  }

  /** The reason the source is failing now, or undefined when its last poll worked. */
  get failure(): string | undefined {
    return this.lastError;
  }

  /** For /ready: resolves with the last poll's result, throws while the source is failing. */
  async check(): Promise<string> {
    if (this.lastError !== undefined) {
      throw new Error(`last poll failed at ${new Date(this.lastFailedAt!).toISOString()} (${this.consecutiveFailures} in a row): ${this.lastError}`);
    }
    if (this.lastOkAt === undefined) throw new Error('waiting for the first poll');
    return `last poll ok at ${new Date(this.lastOkAt).toISOString()}: ${this.detail}`;
  }
}
