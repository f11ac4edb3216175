import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError } from '../../src/errors.ts';
import { RateLimiter } from '../../src/publish/notion/rate-limiter.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** Acquires `n` tokens and records, in fake milliseconds, when each was granted. */
async function grantTimes(limiter: RateLimiter, n: number, runMs: number): Promise<number[]> {
  const start = Date.now();
  const times: number[] = [];
  for (let i = 0; i < n; i++) void limiter.acquire().then(() => times.push(Date.now() - start));
  await vi.advanceTimersByTimeAsync(runMs);
  return times;
}

describe('RateLimiter', () => {
  it('grants a burst at once, then the average rate, first come first served', async () => {
    vi.useFakeTimers();
    const times = await grantTimes(new RateLimiter(3, 3), 9, 3_000);
    expect(times).toHaveLength(9);
    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    // then one every ~333 ms
    for (let i = 3; i < 9; i++) expect(times[i]).toBeGreaterThanOrEqual(Math.floor(((i - 2) * 1000) / 3) - 1);
    expect(times[8]).toBeLessThanOrEqual(2_100);
  });

  it('pause() holds every waiter for the Retry-After, then resumes without a burst', async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter(10, 10);
    limiter.pause(2_000);
    const times = await grantTimes(limiter, 3, 3_000);
    expect(times[0]).toBeGreaterThanOrEqual(2_000);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(99);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(99);
  });

  it('a shorter pause never shortens a longer one', async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter(10);
    limiter.pause(1_000);
    limiter.pause(100);
    const times = await grantTimes(limiter, 1, 2_000);
    expect(times[0]).toBeGreaterThanOrEqual(1_000);
  });

  it('an aborted waiter leaves the queue with AbortedError and does not use a token', async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter(1, 1);
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    expect(limiter.waiting).toBe(2);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    expect(limiter.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(next).resolves.toBeUndefined();
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});
