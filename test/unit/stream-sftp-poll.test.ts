import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FoundFile } from '../../src/recording.ts';
import type { SftpPoller } from '../../src/sftp/sftp-poller.ts';
import { sftpFiles } from '../../streams/sftp-poll.ts';
import { foundFile } from '../helpers/found-file.ts';

// fake timers: the poll ticks are rxjs timers (setInterval underneath), the listings promises

/** A poller whose listings take `listMs` and return (or throw) what `answers` holds, in turn. */
function fakePoller(answers: Array<FoundFile[] | Error>, listMs = 0) {
  let inFlight = 0;
  const stats = { polls: 0, maxInFlight: 0, settles: [] as number[] };
  const list = async (): Promise<FoundFile[]> => {
    const answer = answers[stats.polls] ?? [];
    stats.polls += 1;
    inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      if (listMs > 0) await new Promise((resolve) => setTimeout(resolve, listMs));
      if (answer instanceof Error) throw answer;
      return answer;
    } finally {
      inFlight -= 1;
    }
  };
  const poller = {
    poll: list,
    pollTwice: async (settleMs: number) => {
      stats.settles.push(settleMs);
      return list();
    },
  } satisfies Pick<SftpPoller, 'poll' | 'pollTwice'>;
  return { poller: poller as unknown as SftpPoller, stats };
}

const sftp = (name: string) => foundFile(name, { source: 'sftp' });

describe('sftpFiles (continuous)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls at once, then every pollIntervalMs, and emits each listed file', async () => {
    const { poller, stats } = fakePoller([[sftp('a.wav'), sftp('b.wav')], [], [sftp('c.wav')]]);
    const seen: string[] = [];
    const subscription = sftpFiles({ poller, continuous: true, pollIntervalMs: 60_000, settleMs: 0 }).subscribe((f) => seen.push(f.fileName));
    await vi.advanceTimersByTimeAsync(0);
    expect(stats.polls).toBe(1);
    expect(seen).toEqual(['a.wav', 'b.wav']);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(stats.polls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(stats.polls).toBe(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stats.polls).toBe(3);
    expect(seen).toEqual(['a.wav', 'b.wav', 'c.wav']);
    subscription.unsubscribe();
  });

  it('survives a failed poll: nothing comes out, the next tick is the retry, the stream never errors', async () => {
    const { poller, stats } = fakePoller([new Error('connect ECONNREFUSED'), new Error('auth failed'), [sftp('late.wav')]]);
    const seen: string[] = [];
    const errors: unknown[] = [];
    const subscription = sftpFiles({ poller, continuous: true, pollIntervalMs: 1000, settleMs: 0 }).subscribe({
      next: (f) => seen.push(f.fileName),
      error: (e: unknown) => errors.push(e),
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(stats.polls).toBe(3);
    expect(seen).toEqual(['late.wav']);
    expect(errors).toEqual([]);
    expect(subscription.closed).toBe(false);
    subscription.unsubscribe();
  });

  it('never overlaps a slow listing with the next tick (exhaustMap): ticks during it are dropped', async () => {
    const { poller, stats } = fakePoller([[sftp('a.wav')], [sftp('b.wav')]], 2500);
    const seen: string[] = [];
    const subscription = sftpFiles({ poller, continuous: true, pollIntervalMs: 1000, settleMs: 0 }).subscribe((f) => seen.push(f.fileName));
    // ticks at 0, 1000, 2000 fall into the first listing (0–2500); the tick at 3000 starts the second
    await vi.advanceTimersByTimeAsync(2999);
    expect(stats.polls).toBe(1);
    expect(seen).toEqual(['a.wav']);
    await vi.advanceTimersByTimeAsync(1);
    expect(stats.polls).toBe(2);
    expect(stats.maxInFlight).toBe(1);
    subscription.unsubscribe();
  });

  it('stops polling when unsubscribed (shutdown stops intake)', async () => {
    const { poller, stats } = fakePoller([[], [], []]);
    const subscription = sftpFiles({ poller, continuous: true, pollIntervalMs: 1000, settleMs: 0 }).subscribe();
    await vi.advanceTimersByTimeAsync(1000);
    expect(stats.polls).toBe(2);
    subscription.unsubscribe();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stats.polls).toBe(2);
  });
});

describe('sftpFiles (run --once)', () => {
  it('lists twice settleMs apart (pollTwice), emits what is complete, then completes', async () => {
    const { poller, stats } = fakePoller([[sftp('a.wav'), sftp('b.wav')]]);
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      sftpFiles({ poller, continuous: false, pollIntervalMs: 60_000, settleMs: 1500 }).subscribe({
        next: (f) => seen.push(f.fileName),
        error: reject,
        complete: resolve,
      });
    });
    expect(stats.settles).toEqual([1500]);
    expect(stats.polls).toBe(1);
    expect(seen).toEqual(['a.wav', 'b.wav']);
  });

  it('completes empty when the pass fails (run --once reports the source failure elsewhere)', async () => {
    const { poller } = fakePoller([new Error('host key mismatch')]);
    const seen: FoundFile[] = [];
    await new Promise<void>((resolve, reject) => {
      sftpFiles({ poller, continuous: false, pollIntervalMs: 60_000, settleMs: 0 }).subscribe({ next: (f) => seen.push(f), error: reject, complete: resolve });
    });
    expect(seen).toEqual([]);
  });
});
