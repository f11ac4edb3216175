import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/pipeline/backoff.ts';

const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('backoffDelayMs', () => {
  it('grows exponentially with full jitter', () => {
    expect(backoffDelayMs(policy, 1, undefined, () => 0.999)).toBe(999);
    expect(backoffDelayMs(policy, 2, undefined, () => 0.999)).toBe(1998);
    expect(backoffDelayMs(policy, 4, undefined, () => 0.5)).toBe(4000);
    expect(backoffDelayMs(policy, 3, undefined, () => 0)).toBe(0);
  });

  it('is capped', () => {
    expect(backoffDelayMs(policy, 30, undefined, () => 0.999)).toBe(59_940);
  });

  it('prefers Retry-After, capped too', () => {
    expect(backoffDelayMs(policy, 1, 2500, () => 0.9)).toBe(2500);
    expect(backoffDelayMs(policy, 1, 0, () => 0.9)).toBe(0);
    expect(backoffDelayMs(policy, 1, 3_600_000, () => 0.9)).toBe(60_000);
  });

  it('stays within [0, ceiling) for random jitter', () => {
    for (let retry = 1; retry < 12; retry++) {
      const ceiling = Math.min(60_000, 1000 * 2 ** (retry - 1));
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelayMs(policy, retry);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
});
