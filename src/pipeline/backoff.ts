/** How long transient failures are retried in memory before a recording is failed. */
export interface RetryPolicy {
  /** Attempts per recording in total, counting the first (MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First backoff step (RETRY_BASE_DELAY_MS). */
  baseDelayMs: number;
  /** Cap of any single wait, Retry-After included (RETRY_MAX_DELAY_MS). */
  maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): the server's Retry-After when
 * it gave one, else exponential backoff with full jitter (AWS "Exponential Backoff and Jitter"),
 * both capped so one bad header cannot park a recording for hours.
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(retryAfterMs, policy.maxDelayMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
