import { AbortedError } from '../../errors.ts';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A token bucket shared by every Notion call of the process, first come first served.
 * Notion limits per integration, not per caller, so all publishes draw from one bucket;
 * a 429/529 `Retry-After` pauses it for everyone rather than only for the caller that hit it.
 */
export class RateLimiter {
  readonly requestsPerSecond: number;
  readonly burst: number;
  #tokens: number;
  #refilledAt = Date.now();
  #pausedUntil = 0;
  readonly #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param requestsPerSecond average rate (Notion documents 3/s per integration)
   * @param burst tokens available at once (default: one second's worth, at least 1)
   */
  constructor(requestsPerSecond = 3, burst = Math.max(1, Math.floor(requestsPerSecond))) {
    if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be positive');
    this.requestsPerSecond = requestsPerSecond;
    this.burst = Math.max(1, burst);
    this.#tokens = this.burst;
  }

  /** Resolves when the caller may send one request; rejects with AbortedError when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(new AbortedError());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** Holds every caller for `ms` (the server's Retry-After), then restarts with one token. */
  pause(ms: number): void {
    const until = Date.now() + Math.max(0, ms);
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    // no burst right after the pause: the server just told us we were too fast
    this.#tokens = 1;
    this.#refilledAt = until;
    this.#reschedule();
  }

  /** Callers waiting for a token. */
  get waiting(): number {
    return this.#queue.length;
  }

  #refill(now: number): void {
    if (now <= this.#refilledAt) return;
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.requestsPerSecond);
    this.#refilledAt = now;
  }

  #pump(): void {
    if (this.#timer !== undefined) return;
    while (this.#queue.length > 0) {
      const now = Date.now();
      if (now < this.#pausedUntil) return this.#schedule(this.#pausedUntil - now);
      this.#refill(now);
      if (this.#tokens < 1) return this.#schedule(((1 - this.#tokens) / this.requestsPerSecond) * 1000);
      this.#tokens -= 1;
      const waiter = this.#queue.shift();
      if (waiter === undefined) return;
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, Math.max(1, Math.ceil(ms)));
  }

  #reschedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pump();
  }
}
