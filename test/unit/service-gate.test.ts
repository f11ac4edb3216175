import { tmpdir } from 'node:os';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PermanentError, ServiceError, StageError, TransientError, serviceErrorOf } from '../../src/errors.ts';
import { classifyPgError } from '../../src/ledger/classify-pg-error.ts';
import { checkDiskFloor } from '../../src/files/disk-floor-probe.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { ServiceGate } from '../../src/pipeline/service-gate.ts';
import type { Notifier } from '../../src/publish/notifier.ts';

const log = pino({ level: 'silent' });

/** Records what an operator would be told. */
function recordingNotifier(): Notifier & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    recordingFailed: async () => {},
    sourceDown: async () => {},
    sourceRecovered: async () => {},
    summary: async () => {},
    servicePaused: async (component, reason) => void sent.push(`paused ${component}: ${reason}`),
    serviceResumed: async (component) => void sent.push(`resumed ${component}`),
  };
}

describe('serviceErrorOf: what is the service\'s trouble, not the recording\'s', () => {
  it('finds ENOSPC/EDQUOT and SQLITE_BUSY/LOCKED anywhere in the cause chain, and nothing in a recording\'s own error', () => {
    const enospc = Object.assign(new Error('write failed'), { code: 'ENOSPC' });
    expect(serviceErrorOf(new StageError('normalize', enospc))).toMatchObject({ component: 'disk' });
    expect(serviceErrorOf(new Error('wrapped', { cause: Object.assign(new Error('quota'), { code: 'EDQUOT' }) }))).toMatchObject({ component: 'disk' });
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(serviceErrorOf(busy)).toMatchObject({ component: 'ledger', reason: 'database busy or locked (SQLITE_BUSY)' });
    expect(serviceErrorOf(new StageError('x', Object.assign(new Error('l'), { code: 'SQLITE_LOCKED_SHAREDCACHE' })))).toMatchObject({ component: 'ledger' });
    const key = new ServiceError('openai', 'key rejected');
    expect(serviceErrorOf(new StageError('transcribe', key))).toBe(key);
    expect(serviceErrorOf(new StageError('probe', new PermanentError('not audio')))).toBeUndefined();
    expect(serviceErrorOf(new TransientError('503', { status: 503 }))).toBeUndefined();
    expect(serviceErrorOf(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBeUndefined();
  });

  it('a PostgreSQL ledger that cannot be reached is the ledger\'s trouble; a permission it lacks is not paused away', () => {
    const down = classifyPgError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'claim');
    expect(serviceErrorOf(new StageError('transcribe', down))).toMatchObject({ component: 'ledger' });
    const restarting = classifyPgError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), 'write');
    expect(serviceErrorOf(restarting)).toMatchObject({ component: 'ledger' });
    const denied = classifyPgError(Object.assign(new Error('permission denied for table recordings'), { code: '42501' }), 'write');
    expect(denied).toBeInstanceOf(PermanentError);
    expect(serviceErrorOf(denied)).toBeUndefined();
  });
});

describe('ServiceGate', () => {
  it('pauses on a service error, alerts once per outage, reopens when the probe passes, and says "resumed" once a recording is done', async () => {
    const notifier = recordingNotifier();
    const metrics = new Metrics();
    let keyOk = false;
    const gate = new ServiceGate({
      probes: [{ component: 'openai', check: async () => { if (!keyOk) throw new Error('API key rejected (401)'); } }],
      intervalMs: 60_000,
      log,
      notifier,
      metrics,
    });
    let resumed = 0;
    gate.onReopen(() => (resumed += 1));
    expect(gate.isOpen).toBe(true);
    await expect(gate.readiness()).resolves.toBe('running');

    gate.close(new ServiceError('openai', 'key rejected'));
    gate.close(new ServiceError('openai', 'key rejected again'));
    expect(gate.isOpen).toBe(false);
    expect(gate.describe()).toBe('openai: key rejected');
    await expect(gate.readiness()).rejects.toThrow('paused: openai: key rejected');
    await expect(gate.beforeStart()).rejects.toBeInstanceOf(ServiceError);
    expect(await metrics.registry.getSingleMetricAsString('pipeline_paused')).toContain('pipeline_paused{component="openai"} 1');

    await gate.check(); // still rejected
    expect(gate.isOpen).toBe(false);
    expect(resumed).toBe(0);

    keyOk = true;
    await gate.check();
    expect(gate.isOpen).toBe(true);
    expect(resumed).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString('pipeline_paused')).toContain('pipeline_paused{component="openai"} 0');
    await expect(gate.beforeStart()).resolves.toBeUndefined();

    // the probe passed but the trouble came back (quota): no second "paused" alert
    gate.close(new ServiceError('openai', 'quota exhausted'));
    await gate.check();
    gate.recordingDone();
    gate.recordingDone();
    await new Promise((resolve) => setImmediate(resolve));
    expect(notifier.sent).toEqual(['paused openai: key rejected', 'resumed openai']);
  });

  it('closes before any recording starts when a proactive probe fails (the disk floor), and reopens when it passes', async () => {
    let freeMb = 10;
    const gate = new ServiceGate({
      probes: [
        {
          component: 'disk',
          proactive: true,
          check: async () => {
            if (freeMb < 100) throw new ServiceError('disk', `${freeMb} MB free, below DISK_FREE_MIN_MB=100`);
          },
        },
      ],
      intervalMs: 60_000,
      cacheMs: 0,
      log,
    });
    await expect(gate.beforeStart()).rejects.toThrow('disk: 10 MB free, below DISK_FREE_MIN_MB=100');
    await expect(gate.readiness()).rejects.toThrow('paused: disk: 10 MB free');
    freeMb = 500;
    await expect(gate.beforeStart()).resolves.toBeUndefined();
    expect(gate.isOpen).toBe(true);
  });

  it('retries a component it cannot probe at the next check (the next recording finds out)', async () => {
    const gate = new ServiceGate({ probes: [], intervalMs: 60_000, log });
    gate.close(new ServiceError('notion', 'token rejected'));
    expect(gate.isOpen).toBe(false);
    await gate.check();
    expect(gate.isOpen).toBe(true);
  });
});

describe('checkDiskFloor (real statfs)', () => {
  it('passes above the floor and names the folder and the variable below it', async () => {
    await expect(checkDiskFloor(tmpdir(), 0)).resolves.toBeUndefined();
    const error = await checkDiskFloor(tmpdir(), Number.MAX_SAFE_INTEGER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toMatch(new RegExp(`^disk: \\d+ MB free under ${tmpdir()}, below DISK_FREE_MIN_MB=\\d+$`));
  });
});
