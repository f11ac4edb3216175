import { pino } from 'pino';
import { NEVER, Subject, concat, from, type Observable } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, PermanentError, StageError, TransientError, messageOf } from '../../src/errors.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { RetryPolicy } from '../../src/pipeline/backoff.ts';
import type { Outcome } from '../../src/pipeline/outcome.ts';
import type { ClaimedFile } from '../../src/recording.ts';
import { startPipeline, type PipelineDeps } from '../../streams/pipeline.ts';
import { foundFile } from '../helpers/found-file.ts';

// startPipeline through its public behaviour only: fake process/fail at the PipelineDeps port,
// the real SqliteLedger on :memory:, real prom-client metrics

const log = pino({ level: 'silent' });
const quick: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

interface Failure {
  name: string;
  error: unknown;
  attempts: number;
  transient: boolean;
}

async function setup(names: string[], overrides: Partial<PipelineDeps> = {}) {
  const ledger = new SqliteLedger(':memory:');
  const files: ClaimedFile[] = [];
  for (const name of names) files.push((await ledger.claim(foundFile(name)))!);
  const metrics = new Metrics({ defaultMetrics: false });
  const outcomes: Outcome[] = [];
  const failures: Failure[] = [];
  const deps: PipelineDeps = {
    ledger,
    process: async (file) => ({ kind: 'done', file, id: file.fileName, audioSeconds: 1, billedSeconds: 1 }),
    fail: async (file, error, attempts, { transient }) => {
      failures.push({ name: file.fileName, error, attempts, transient });
      return { kind: 'failed', file, stage: 'x', reason: messageOf(error), attempts, firstFailure: true };
    },
    onOutcome: (outcome) => outcomes.push(outcome),
    concurrency: 2,
    retry: quick,
    metrics,
    log,
    ...overrides,
  };
  const kinds = () => outcomes.map((o) => `${o.file.fileName}:${o.kind}`).sort();
  return { ledger, files, metrics, outcomes, failures, deps, kinds };
}

const gauge = async (metrics: Metrics, name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value;

/** A promise with its resolve, to hold a recording in flight. */
function gate() {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** An intake that emits `files` and then stays open, like a watched source. */
const openIntake = (...files: ClaimedFile[]): Observable<ClaimedFile> => concat(from(files), NEVER);

afterEach(() => vi.useRealTimers());

describe('startPipeline: every recording, isolated', () => {
  it('processes each claimed recording and resolves done when the intake ended and all settled', async () => {
    const t = await setup(['a.wav', 'b.wav', 'c.wav']);
    const running = startPipeline(from(t.files), t.deps);
    await running.done;
    expect(t.kinds()).toEqual(['a.wav:done', 'b.wav:done', 'c.wav:done']);
    expect(await t.ledger.get(t.files[0]!.seq)).toMatchObject({ state: 'processing', attempts: 1 });
  });

  it('one failure does not stop the stream: it becomes an outcome, the others finish', async () => {
    const t = await setup(['a.wav', 'bad.wav', 'c.wav'], {
      process: async (file) => {
        if (file.fileName === 'bad.wav') throw new StageError('probe', new PermanentError('not audio'));
        return { kind: 'done', file, id: file.fileName, audioSeconds: 1, billedSeconds: 1 };
      },
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(t.kinds()).toEqual(['a.wav:done', 'bad.wav:failed', 'c.wav:done']);
    expect(t.failures).toHaveLength(1);
    expect(t.failures[0]).toMatchObject({ name: 'bad.wav', attempts: 1, transient: false });
    expect(messageOf(t.failures[0]!.error)).toBe('probe: not audio');
  });

  it('fails an unclassified error (a bug) at once, as permanent', async () => {
    let calls = 0;
    const t = await setup(['a.wav'], {
      process: async () => {
        calls += 1;
        throw new TypeError("Cannot read properties of undefined (reading 'text')");
      },
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(calls).toBe(1);
    expect(t.failures[0]).toMatchObject({ attempts: 1, transient: false });
  });

  it('even a process that throws synchronously becomes an outcome', async () => {
    const t = await setup(['a.wav', 'b.wav'], {
      process: ((file: ClaimedFile) => {
        if (file.fileName === 'a.wav') throw new Error('sync boom');
        return Promise.resolve<Outcome>({ kind: 'done', file, id: 'b', audioSeconds: 1, billedSeconds: 1 });
      }) as PipelineDeps['process'],
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(t.kinds()).toEqual(['a.wav:failed', 'b.wav:done']);
  });

  it('never runs more than CONCURRENCY at once, and shows the rest as waiting', async () => {
    const gates = new Map<string, ReturnType<typeof gate>>();
    let running = 0;
    let maxRunning = 0;
    const t = await setup(['1.wav', '2.wav', '3.wav', '4.wav', '5.wav'], {
      concurrency: 2,
      process: async (file) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        const g = gate();
        gates.set(file.fileName, g);
        await g.promise;
        running -= 1;
        return { kind: 'done', file, id: file.fileName, audioSeconds: 1, billedSeconds: 1 };
      },
    });
    const pipeline = startPipeline(from(t.files), t.deps);
    await vi.waitFor(() => expect(gates.size).toBe(2));
    expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(2);
    expect(await gauge(t.metrics, 'recordings_waiting')).toBe(3);
    for (let opened = 0; opened < 5; opened += 1) {
      await vi.waitFor(() => expect(gates.size).toBeGreaterThan(opened));
      [...gates.values()][opened]!.open();
    }
    await pipeline.done;
    expect(maxRunning).toBe(2);
    expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(0);
    expect(await gauge(t.metrics, 'recordings_waiting')).toBe(0);
  });
});

describe('startPipeline: transient errors retried with the policy', () => {
  it('retries a transient error and succeeds, counting attempts in the ledger and retries_total', async () => {
    let calls = 0;
    const t = await setup(['a.wav'], {
      process: async (file) => {
        calls += 1;
        if (calls < 3) throw new StageError('transcribe', new TransientError('429 rate limited', { system: 'openai', status: 429 }));
        return { kind: 'done', file, id: 'a', audioSeconds: 1, billedSeconds: 1 };
      },
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(t.kinds()).toEqual(['a.wav:done']);
    expect(calls).toBe(3);
    const row = await t.ledger.get(t.files[0]!.seq);
    expect(row).toMatchObject({ attempts: 3, stage: 'transcribe', lastError: 'transcribe: 429 rate limited' });
    const retries = (await t.metrics.registry.getSingleMetric('retries_total')!.get()).values;
    expect(retries).toContainEqual(expect.objectContaining({ labels: { service: 'openai' }, value: 2 }));
    expect(retries.filter((v) => v.labels.service !== 'openai').every((v) => v.value === 0)).toBe(true);
  });

  it('gives up after MAX_ATTEMPTS and fails the recording as transient, saying so', async () => {
    let calls = 0;
    const t = await setup(['a.wav'], {
      process: async () => {
        calls += 1;
        throw new StageError('publish', new TransientError('502 bad gateway', { system: 'notion' }));
      },
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(calls).toBe(quick.maxAttempts);
    expect(t.failures).toHaveLength(1);
    expect(t.failures[0]).toMatchObject({ attempts: 3, transient: true });
    expect(messageOf(t.failures[0]!.error)).toBe('publish: gave up after 3 attempts: 502 bad gateway');
  });

  it('stops retrying when the next error is permanent', async () => {
    let calls = 0;
    const t = await setup(['a.wav'], {
      process: async () => {
        calls += 1;
        throw calls === 1 ? new TransientError('ECONNRESET') : new PermanentError('401 invalid api key');
      },
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(calls).toBe(2);
    expect(t.failures[0]).toMatchObject({ attempts: 2, transient: false });
    expect(messageOf(t.failures[0]!.error)).toBe('401 invalid api key');
  });

  it('waits the Retry-After the server asked for before the next attempt', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const calls: number[] = [];
    const t = await setup(['a.wav'], {
      retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 600_000 },
      process: async (file) => {
        calls.push(Date.now());
        if (calls.length === 1) throw new TransientError('429', { retryAfterMs: 120_000 });
        return { kind: 'done', file, id: 'a', audioSeconds: 1, billedSeconds: 1 };
      },
    });
    const pipeline = startPipeline(from(t.files), t.deps);
    await vi.advanceTimersByTimeAsync(119_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await pipeline.done;
    expect(t.kinds()).toEqual(['a.wav:done']);
  });

  it('counts attempts made before a crash: a recording that kills the process is failed, not retried forever', async () => {
    const ledger = new SqliteLedger(':memory:');
    const crashy = (await ledger.claim(foundFile('crashy.wav')))!;
    for (let i = 0; i < quick.maxAttempts; i += 1) await ledger.begin(crashy.seq);
    await ledger.release(crashy.seq);
    const [again] = await ledger.claimPending();
    let calls = 0;
    const t = await setup([], {
      ledger,
      process: async () => {
        calls += 1;
        throw new Error('unreachable');
      },
    });
    await startPipeline(from([again!]), t.deps).done;
    expect(calls).toBe(0);
    expect(t.failures[0]).toMatchObject({ name: 'crashy.wav', transient: false });
    expect(messageOf(t.failures[0]!.error)).toBe(`start: gave up: ${quick.maxAttempts} attempts already made (MAX_ATTEMPTS=${quick.maxAttempts})`);
  });
});

describe('startPipeline: two-phase shutdown', () => {
  it('stops intake: recordings that arrive after shutdown are not started', async () => {
    const t = await setup(['early.wav', 'late.wav']);
    const intake = new Subject<ClaimedFile>();
    const pipeline = startPipeline(intake, t.deps);
    intake.next(t.files[0]!);
    await vi.waitFor(() => expect(t.outcomes).toHaveLength(1));
    expect(await pipeline.shutdown(1000)).toBe(true);
    intake.next(t.files[1]!);
    await pipeline.done;
    expect(t.kinds()).toEqual(['early.wav:done']);
    expect(intake.observed).toBe(false);
  });

  it('drains: in-flight recordings finish within the deadline, and shutdown says so', async () => {
    const g = gate();
    let aborted: boolean | undefined;
    const t = await setup(['a.wav'], {
      process: async (file, signal) => {
        await g.promise;
        aborted = signal.aborted;
        return { kind: 'done', file, id: 'a', audioSeconds: 1, billedSeconds: 1 };
      },
    });
    const pipeline = startPipeline(openIntake(t.files[0]!), t.deps);
    await vi.waitFor(async () => expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(1));
    const stopped = pipeline.shutdown(10_000);
    setTimeout(() => g.open(), 20);
    expect(await stopped).toBe(true);
    expect(aborted).toBe(false);
    expect(t.kinds()).toEqual(['a.wav:done']);
  });

  it('releases recordings that were waiting for a slot when shutdown began (they stay pending)', async () => {
    const g = gate();
    const t = await setup(['busy.wav', 'queued.wav'], {
      concurrency: 1,
      process: async (file) => {
        await g.promise;
        return { kind: 'done', file, id: file.fileName, audioSeconds: 1, billedSeconds: 1 };
      },
    });
    const pipeline = startPipeline(openIntake(...t.files), t.deps);
    await vi.waitFor(async () => expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(1));
    const stopped = pipeline.shutdown(10_000);
    g.open();
    expect(await stopped).toBe(true);
    expect(t.kinds()).toEqual(['busy.wav:done', 'queued.wav:released']);
    expect(await t.ledger.get(t.files[1]!.seq)).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('at the deadline aborts what is still in flight: it is released back to pending, not failed', async () => {
    let sawAbort = false;
    const t = await setup(['long-call.wav'], {
      process: (_file, signal) =>
        new Promise<Outcome>((_, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new StageError('transcribe', new AbortedError()));
          });
        }),
    });
    const pipeline = startPipeline(openIntake(t.files[0]!), t.deps);
    await vi.waitFor(async () => expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(1));
    expect(await pipeline.shutdown(30, 1000)).toBe(false);
    expect(sawAbort).toBe(true);
    expect(t.failures).toEqual([]);
    expect(t.kinds()).toEqual(['long-call.wav:released']);
    expect(await t.ledger.get(t.files[0]!.seq)).toMatchObject({ state: 'pending' });
    expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(0);
  });

  it('does not start another attempt after the abort, nor count one in the ledger', async () => {
    let calls = 0;
    const t = await setup(['a.wav'], {
      retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
      process: (_file, signal) => {
        calls += 1;
        return new Promise<Outcome>((_, reject) => {
          signal.addEventListener('abort', () => reject(new TransientError('socket closed by abort')));
        });
      },
    });
    const pipeline = startPipeline(openIntake(t.files[0]!), t.deps);
    await vi.waitFor(() => expect(calls).toBe(1));
    expect(await pipeline.shutdown(10, 1000)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(1);
    expect(t.kinds()).toEqual(['a.wav:released']);
    expect(await t.ledger.get(t.files[0]!.seq)).toMatchObject({ state: 'pending', attempts: 1 });
  });

  it('gives up on a recording that ignores the abort after the grace period, so the process can exit', async () => {
    const t = await setup(['stuck.wav'], { process: () => new Promise<Outcome>(() => {}) });
    const pipeline = startPipeline(openIntake(t.files[0]!), t.deps);
    await vi.waitFor(async () => expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(1));
    const started = Date.now();
    expect(await pipeline.shutdown(10, 30)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
