/**
 * The emulator's rate limit: a token bucket per integration token, answering like Notion's
 * documented "average of three requests per second, some bursts allowed".
 */
export class TokenBucket {
  #tokens: number;
  #refilledAt = Date.now();

  /** `requestsPerSecond` of 0 or Infinity turns the limit off. */
  constructor(
    readonly requestsPerSecond: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  get enabled(): boolean {
    return this.requestsPerSecond > 0 && Number.isFinite(this.requestsPerSecond);
  }

  /** Takes a token, or says how many whole seconds until one is free (what `Retry-After` carries). */
  take(now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (!this.enabled) return { ok: true };
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.requestsPerSecond);
    this.#refilledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.#tokens) / this.requestsPerSecond)) };
  }
}
