/**
 * Slack's "special" tier for chat.postMessage: about one message per second per channel, with
 * short bursts allowed. A token bucket per channel gives exactly that shape.
 */
export class SlackRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * @param perSecond sustained messages per second per channel
   * @param burst messages a quiet channel accepts at once
   */
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `channel`; when none is left, returns the whole seconds to wait (≥ 1). */
  take(channel: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    if (!(this.perSecond > 0)) return { allowed: true };
    const now = this.now();
    const bucket = this.buckets.get(channel) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    // Retry-After is an integer number of seconds on the wire, so round up and never say 0.
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
    return { allowed: false, retryAfterSeconds };
  }
}
