import { setTimeout as sleep } from 'node:timers/promises';
import { isTransient, retryAfterMsOf } from '../../errors.ts';
import type { SlackMessage } from './slack-message.ts';

/** One alert waiting for delivery; `context` is safe to log (ids, stage), never message text. */
export interface QueuedAlert {
  kind: string;
  message: SlackMessage;
  context: Record<string, unknown>;
}

export interface AlertQueueOptions {
  /** One delivery attempt; throws classified errors (TransientError carries Retry-After). */
  send(message: SlackMessage, signal: AbortSignal): Promise<void>;
  /** Alerts allowed to wait; past it the oldest is dropped (default 100). */
  maxQueued?: number;
  /** Attempts per alert on transient errors while Slack answers (default 3). */
  maxAttempts?: number;
  /** Longest Retry-After honoured, in milliseconds (default 60000); longer waits are cut. */
  maxRetryAfterMs?: number;
  /** 429 answers honoured per alert before it is given up (default 5). */
  maxRateLimitWaits?: number;
  /** Full-jitter backoff between transient attempts, in milliseconds (defaults 500 and 5000). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  onDelivered?(alert: QueuedAlert): void;
  onGiveUp(alert: QueuedAlert, error: unknown): void;
  onDropped(alert: QueuedAlert, why: 'overflow' | 'closed'): void;
}

/**
 * Delivers alerts one at a time, in order, in the background. A 429 or a slow Slack delays
 * only this queue, never the caller; the queue is bounded, and once one alert gave up on a
 * transient error the next ones get a single attempt each until a delivery succeeds, so an
 * outage cannot build hours of retries.
 */
export class AlertQueue {
  private readonly waiting: QueuedAlert[] = [];
  private readonly stop = new AbortController();
  private readonly idleWaiters: Array<() => void> = [];
  private running = false;
  private closed = false;
  private degraded = false;

  constructor(private readonly options: AlertQueueOptions) {}

  /** Alerts waiting or being delivered. */
  get pending(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  push(alert: QueuedAlert): void {
    if (this.closed) {
      this.options.onDropped(alert, 'closed');
      return;
    }
    this.waiting.push(alert);
    while (this.waiting.length > (this.options.maxQueued ?? 100)) {
      const oldest = this.waiting.shift();
      if (oldest !== undefined) this.options.onDropped(oldest, 'overflow');
    }
    // Delivery starts on a later turn so the caller never pays for the SDK's synchronous work.
    if (!this.running) setImmediate(() => void this.run());
  }

  /** Waits until every queued alert is settled or `timeoutMs` passed; true when drained. */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return true;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const deadline = new AbortController();
    await Promise.race([idle, sleep(timeoutMs, undefined, { signal: deadline.signal }).catch(() => undefined)]);
    deadline.abort();
    return this.pending === 0;
  }

  /** Stops intake, waits up to `timeoutMs` for delivery, then drops what is left. */
  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    await this.flush(timeoutMs);
    this.stop.abort(new Error('slack alert queue closed'));
    for (const alert of this.waiting.splice(0)) this.options.onDropped(alert, 'closed');
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let alert = this.waiting.shift(); alert !== undefined; alert = this.waiting.shift()) {
        await this.deliver(alert);
        if (this.stop.signal.aborted) break;
      }
    } finally {
      this.running = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Never throws: every outcome ends in onDelivered or onGiveUp. */
  private async deliver(alert: QueuedAlert): Promise<void> {
    const signal = this.stop.signal;
    const attempts = this.degraded ? 1 : (this.options.maxAttempts ?? 3);
    let attempt = 0;
    let rateLimitWaits = 0;
    for (;;) {
      if (signal.aborted) return this.options.onGiveUp(alert, signal.reason);
      attempt += 1;
      try {
        await this.options.send(alert.message, signal);
        this.degraded = false;
        return this.options.onDelivered?.(alert);
      } catch (error) {
        if (signal.aborted) return this.options.onGiveUp(alert, error);
        const retryAfterMs = retryAfterMsOf(error);
        if (retryAfterMs !== undefined && rateLimitWaits < (this.options.maxRateLimitWaits ?? 5)) {
          // A 429 proves Slack is up and did not post: wait as told, without spending an attempt.
          rateLimitWaits += 1;
          attempt -= 1;
          await pause(Math.min(retryAfterMs, this.options.maxRetryAfterMs ?? 60_000), signal);
          continue;
        }
        if (isTransient(error) && attempt < attempts) {
          const ceiling = Math.min(this.options.backoffCapMs ?? 5000, (this.options.backoffBaseMs ?? 500) * 2 ** (attempt - 1));
          await pause(Math.random() * ceiling, signal);
          continue;
        }
        if (isTransient(error)) this.degraded = true;
        return this.options.onGiveUp(alert, error);
      }
    }
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
