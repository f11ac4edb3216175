import { pino } from 'pino';
import { NEVER, concat, from, type Observable } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { AbortedError, PermanentError, ServiceError, StageError, TransientError, messageOf } from '../../src/errors.ts';
import { LeaseLostError } from '../../src/ledger/lease-lost-error.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { Outcome } from '../../src/pipeline/outcome.ts';
import type { ClaimedFile } from '../../src/recording.ts';
import { startPipeline, type PipelineDeps, type PipelineStage } from '../../streams/pipeline.ts';
import { foundFile } from '../helpers/found-file.ts';

// The staged topology through startPipeline's port: fake stage functions that count who is inside
// them, the real SqliteLedger on :memory:, real metrics. No child process, no ffmpeg, no port.

const log = pino({ level: 'silent' });
const NAMES = ['fetch', 'prepare', 'transcribe', 'finish'] as const;
type Name = (typeof NAMES)[number];

/** What a fake stage does with one recording: resolve after `ms`, or whatever `behave` says. */
type Behaviour = (file: ClaimedFile, stage: Name, signal: AbortSignal, call: number) => Promise<Outcome | undefined> | undefined;

interface Run {
  file: ClaimedFile;
  calls: Record<Name, number>;
}

async function setup(count: number, options: { bounds?: number[]; ms?: number; behave?: Behaviour; overrides?: Partial<PipelineDeps<Run>> } = {}) {
  const ledger = new SqliteLedger(':memory:');
  const files: ClaimedFile[] = [];
  for (let i = 0; i < count; i++) files.push((await ledger.claim(foundFile(`call-${i}.wav`)))!);
  const metrics = new Metrics({ defaultMetrics: false });
  const bounds = options.bounds ?? [1, 2, 3, 1];
  const inside: Record<Name, number> = { fetch: 0, prepare: 0, transcribe: 0, finish: 0 };
  const peak: Record<Name, number> = { fetch: 0, prepare: 0, transcribe: 0, finish: 0 };
  const calls: Array<`${string}:${Name}`> = [];
  let inPipeline = 0;
  let peakInPipeline = 0;
  const started = new Set<number>();
  const stage = (name: Name, concurrency: number): PipelineStage<Run> => ({
    name,
    concurrency,
    runsWhileDraining: name === 'finish',
    run: async (run, signal) => {
      if (!started.has(run.file.seq)) {
        started.add(run.file.seq);
        inPipeline += 1;
        peakInPipeline = Math.max(peakInPipeline, inPipeline);
      }
      run.calls[name] += 1;
      calls.push(`${run.file.fileName}:${name}`);
      inside[name] += 1;
      peak[name] = Math.max(peak[name], inside[name]);
      try {
        const special = options.behave?.(run.file, name, signal, run.calls[name]);
        if (special) return await special;
        await new Promise((resolve) => setTimeout(resolve, options.ms ?? 5));
        if (name === 'finish') return { kind: 'done', file: run.file, id: run.file.fileName, audioSeconds: 1, billedSeconds: 1 };
        return undefined;
      } finally {
        inside[name] -= 1;
      }
    },
  });
  const outcomes: Outcome[] = [];
  const failures: Array<{ name: string; error: unknown; attempts: number; transient: boolean }> = [];
  const deps: PipelineDeps<Run> = {
    ledger,
    stages: {
      start: (file) => ({ file, calls: { fetch: 0, prepare: 0, transcribe: 0, finish: 0 } }),
      stages: NAMES.map((name, i) => stage(name, bounds[i]!)),
    },
    fail: async (file, error, attempts, { transient }) => {
      failures.push({ name: file.fileName, error, attempts, transient });
      return { kind: 'failed', file, stage: 'x', reason: messageOf(error), attempts, firstFailure: true };
    },
    onOutcome: (outcome) => {
      outcomes.push(outcome);
      if (started.has(outcome.file.seq)) inPipeline -= 1;
    },
    concurrency: 99,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    metrics,
    log,
    ...options.overrides,
  };
  const kinds = () => outcomes.map((o) => `${o.file.fileName}:${o.kind}`).sort();
  return { ledger, files, metrics, deps, outcomes, failures, calls, peak, inside, kinds, peakInPipeline: () => peakInPipeline };
}

const gauge = async (metrics: Metrics, name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value;
const openIntake = (...files: ClaimedFile[]): Observable<ClaimedFile> => concat(from(files), NEVER);

describe('startPipeline with stages: each stage an operator with its own bound', () => {
  it('never runs more than each stage\'s bound at once, and fills every bound (stages overlap)', async () => {
    // the later stages slower, so work piles up in front of each: only its bound holds it back
    const ms: Record<Name, number> = { fetch: 1, prepare: 8, transcribe: 30, finish: 12 };
    const t = await setup(24, {
      bounds: [1, 2, 3, 2],
      behave: (file, stage) =>
        new Promise((resolve) => setTimeout(() => resolve(stage === 'finish' ? { kind: 'done', file, id: 'x', audioSeconds: 1, billedSeconds: 1 } : undefined), ms[stage])),
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(t.outcomes.filter((o) => o.kind === 'done')).toHaveLength(24);
    expect(t.peak).toEqual({ fetch: 1, prepare: 2, transcribe: 3, finish: 2 });
  });

  it('keeps the claimed-but-not-started queue outside the stages: the global bound holds', async () => {
    const t = await setup(30, { bounds: [2, 2, 4, 2], ms: 15, overrides: { inPipeline: 6 } });
    const running = startPipeline(openIntake(...t.files), t.deps);
    await vi.waitFor(() => expect(t.calls.length).toBeGreaterThan(6));
    expect(await gauge(t.metrics, 'recordings_in_flight')).toBeLessThanOrEqual(6);
    expect(await gauge(t.metrics, 'recordings_waiting')).toBeGreaterThanOrEqual(24 - t.outcomes.length);
    await vi.waitFor(() => expect(t.outcomes).toHaveLength(30), { timeout: 5000 });
    expect(t.peakInPipeline()).toBeLessThanOrEqual(6);
    expect(t.peakInPipeline()).toBe(6);
    expect(await gauge(t.metrics, 'recordings_waiting')).toBe(0);
    expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(0);
    await running.shutdown(1000);
  });

  it('a failure in stage 2 skips stages 3 and 4 and yields a failed outcome; the others finish', async () => {
    const t = await setup(3, {
      behave: (file, stage) => (file.fileName === 'call-1.wav' && stage === 'prepare' ? Promise.reject(new StageError('probe', new PermanentError('not audio'))) : undefined),
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(t.kinds()).toEqual(['call-0.wav:done', 'call-1.wav:failed', 'call-2.wav:done']);
    expect(t.calls.filter((c) => c.startsWith('call-1.wav'))).toEqual(['call-1.wav:fetch', 'call-1.wav:prepare']);
    expect(t.failures).toEqual([expect.objectContaining({ name: 'call-1.wav', attempts: 1, transient: false })]);
    expect(messageOf(t.failures[0]!.error)).toBe('probe: not audio');
  });

  it('a transient error retries only its own stage, counting each retry as an attempt in the ledger', async () => {
    const t = await setup(1, {
      behave: (_file, stage, _signal, call) =>
        stage === 'transcribe' && call < 3 ? Promise.reject(new StageError('transcribe', new TransientError('429', { system: 'openai' }))) : undefined,
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(t.kinds()).toEqual(['call-0.wav:done']);
    expect(t.calls).toEqual(['call-0.wav:fetch', 'call-0.wav:prepare', 'call-0.wav:transcribe', 'call-0.wav:transcribe', 'call-0.wav:transcribe', 'call-0.wav:finish']);
    expect(await t.ledger.get(t.files[0]!.seq)).toMatchObject({ attempts: 3, lastError: 'transcribe: 429' });
  });

  it('gives up after MAX_ATTEMPTS counted across stages, as transient', async () => {
    const t = await setup(1, {
      behave: (_file, stage, _signal, call) =>
        (stage === 'prepare' && call === 1) || stage === 'finish'
          ? Promise.reject(new StageError(stage === 'prepare' ? 'normalize' : 'publish', new TransientError('502', { system: 'notion' })))
          : undefined,
    });
    await startPipeline(from(t.files), t.deps).done;
    // 1 attempt at entry, a retry of prepare, then one of finish: MAX_ATTEMPTS=3 spent
    expect(t.calls).toEqual(['call-0.wav:fetch', 'call-0.wav:prepare', 'call-0.wav:prepare', 'call-0.wav:transcribe', 'call-0.wav:finish', 'call-0.wav:finish']);
    expect(t.failures).toEqual([expect.objectContaining({ attempts: 3, transient: true })]);
    expect(messageOf(t.failures[0]!.error)).toBe('publish: gave up after 3 attempts: 502');
  });

  it('a lost lease drops the recording: neither failed nor released in the ledger', async () => {
    const t = await setup(2, {
      behave: (file, stage) => (file.fileName === 'call-0.wav' && stage === 'transcribe' ? Promise.reject(new LeaseLostError(file.seq)) : undefined),
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(t.kinds()).toEqual(['call-0.wav:released', 'call-1.wav:done']);
    expect(t.outcomes.find((o) => o.file.fileName === 'call-0.wav')).toMatchObject({ reason: 'lease lost' });
    expect(t.failures).toEqual([]);
    expect(await t.ledger.get(t.files[0]!.seq)).toMatchObject({ state: 'processing', attempts: 1 });
  });

  it('service-level trouble in a later stage closes the gate and releases the recording, its attempt refunded', async () => {
    const closed: string[] = [];
    const t = await setup(1, {
      behave: (_file, stage) => (stage === 'transcribe' ? Promise.reject(new StageError('transcribe', new ServiceError('openai', 'key rejected'))) : undefined),
      overrides: { gate: { beforeStart: async () => {}, close: (error) => void closed.push(error.message) } },
    });
    await startPipeline(from(t.files), t.deps).done;
    expect(closed).toEqual(['openai: key rejected']);
    expect(t.kinds()).toEqual(['call-0.wav:released']);
    expect(await t.ledger.get(t.files[0]!.seq)).toMatchObject({ state: 'pending', attempts: 0 });
  });
});

describe('startPipeline with stages: two-phase shutdown', () => {
  it('stops intake, lets what is inside a stage finish it, releases what waits between stages, and lets transcribed ones finish', async () => {
    const transcribing: Array<() => void> = [];
    const t = await setup(6, {
      bounds: [6, 6, 2, 2],
      behave: (_file, stage) => (stage === 'transcribe' ? new Promise<undefined>((resolve) => transcribing.push(() => resolve(undefined))) : undefined),
    });
    const pipeline = startPipeline(openIntake(...t.files), t.deps);
    // two in transcription, four prepared and waiting for a transcription slot
    await vi.waitFor(() => expect(transcribing).toHaveLength(2));
    await vi.waitFor(() => expect(t.calls.filter((c) => c.endsWith(':prepare'))).toHaveLength(6));
    const stopped = pipeline.shutdown(10_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const open of transcribing) open();
    expect(await stopped).toBe(true);
    expect(t.kinds().filter((k) => k.endsWith(':done'))).toHaveLength(2);
    expect(t.kinds().filter((k) => k.endsWith(':released'))).toHaveLength(4);
    expect(t.calls.filter((c) => c.endsWith(':transcribe'))).toHaveLength(2);
    expect(t.calls.filter((c) => c.endsWith(':finish'))).toHaveLength(2);
    // released between stages: the service stopped it, so the attempt is not counted
    const released = t.outcomes.filter((o) => o.kind === 'released').map((o) => o.file.seq);
    for (const seq of released) expect(await t.ledger.get(seq)).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('at the deadline aborts what is inside a stage and releases everything, nothing failed', async () => {
    const t = await setup(4, {
      bounds: [1, 1, 2, 1],
      behave: (_file, stage, signal) =>
        stage === 'transcribe'
          ? new Promise<undefined>((_, reject) => signal.addEventListener('abort', () => reject(new StageError('transcribe', new AbortedError()))))
          : undefined,
    });
    const pipeline = startPipeline(openIntake(...t.files), t.deps);
    await vi.waitFor(() => expect(t.inside.transcribe).toBe(2));
    expect(await pipeline.shutdown(30, 2000)).toBe(false);
    expect(t.failures).toEqual([]);
    expect(t.kinds()).toEqual(['call-0.wav:released', 'call-1.wav:released', 'call-2.wav:released', 'call-3.wav:released']);
    for (const file of t.files) expect(await t.ledger.get(file.seq)).toMatchObject({ state: 'pending' });
    expect(await gauge(t.metrics, 'recordings_in_flight')).toBe(0);
  });
});
