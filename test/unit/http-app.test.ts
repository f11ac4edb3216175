import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/http-app.ts';
import { Readiness, type ComponentCheck } from '../../src/http/readiness.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { Metrics } from '../../src/observability/metrics.ts';

// Hono's app.request(): the handlers without a port (promtool checks the real server in the integration tier)

/** Builds the app the way main.ts does, with a real ledger on :memory:. */
function build(components: ComponentCheck[], options: { cacheMs?: number; timeoutMs?: number; defaultMetrics?: boolean } = {}) {
  const metrics = new Metrics({ defaultMetrics: options.defaultMetrics ?? false });
  const ledger = new SqliteLedger(':memory:');
  const readiness = new Readiness(components, {
    cacheMs: options.cacheMs ?? 0,
    timeoutMs: options.timeoutMs,
    onReport: (report) => metrics.pipelineHealth.set(report.ready ? 1 : 0),
  });
  let refreshes = 0;
  const app = createHttpApp({
    readiness,
    metrics,
    refreshGauges: async () => {
      refreshes += 1;
      metrics.oldestPendingAge.set(await ledger.oldestPendingAgeSeconds());
    },
  });
  return { app, metrics, ledger, readiness, refreshes: () => refreshes };
}

const ok = (name: string, detail = 'fine'): ComponentCheck => ({ name, check: async () => detail });
const broken = (name: string, why: string): ComponentCheck => ({
  name,
  check: async () => {
    throw new Error(why);
  },
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses Prometheus text exposition format 0.0.4 strictly enough to catch a broken body: every
 * line is a HELP, a TYPE or a sample; samples belong to a family declared by TYPE before them.
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleLine = new RegExp(`^(${name})(?:\\{(.*)\\})? (\\S+)(?: \\d+)?$`);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = new RegExp(`^# (HELP|TYPE) (${name}) (.*)$`).exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped'], line).toContain(meta[3]);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) labels[pair[1]!] = pair[2]!;
    // as Prometheus reads it (Go's ParseFloat): NaN and Inf in any case (prom-client writes `Nan`)
    const raw = match[3]!;
    const value = /^[+-]?inf$/i.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : /^nan$/i.test(raw) ? NaN : Number(raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`bad sample value: ${line}`);
    const family = match[1]!.replace(/_(bucket|sum|count|total|created)$/, '');
    if (!types.has(match[1]!) && !types.has(family)) throw new Error(`sample before its TYPE: ${line}`);
    samples.push({ name: match[1]!, labels, value });
  }
  return { types, samples };
}

describe('GET /health', () => {
  it('answers 200 {"status":"ok"} while the process lives, even when nothing is ready', async () => {
    const { app } = build([broken('ledger', 'database is locked')]);
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is GET only', async () => {
    const { app } = build([]);
    expect((await app.request('/health', { method: 'POST' })).status).toBe(404);
  });
});

describe('GET /ready', () => {
  it('answers 200 with every component when all are usable', async () => {
    const { app } = build([ok('ledger', 'sqlite ok'), ok('openai', 'key accepted')]);
    const res = await app.request('/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      components: [
        { name: 'ledger', ok: true, detail: 'sqlite ok' },
        { name: 'openai', ok: true, detail: 'key accepted' },
      ],
    });
  });

  it('answers 503 naming the component that is not usable, and why', async () => {
    const { app } = build([ok('ledger'), broken('sftp', 'connect ECONNREFUSED 10.0.0.5:22'), ok('notion')]);
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; components: Array<{ name: string; ok: boolean; detail: string }> };
    expect(body.status).toBe('not ready');
    expect(body.components.filter((c) => !c.ok)).toEqual([{ name: 'sftp', ok: false, detail: 'connect ECONNREFUSED 10.0.0.5:22' }]);
    expect(body.components.map((c) => c.name)).toEqual(['ledger', 'sftp', 'notion']);
  });

  it('counts a check that never answers as not ready, after its timeout', async () => {
    const hanging: ComponentCheck = { name: 'notion', check: () => new Promise<string>(() => {}) };
    const { app } = build([ok('ledger'), hanging], { timeoutMs: 20 });
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ components: [{ ok: true }, { name: 'notion', ok: false, detail: 'no answer within 20 ms' }] });
  });

  it('answers 503 once the process is shutting down', async () => {
    const { app, readiness } = build([ok('ledger')]);
    expect((await app.request('/ready')).status).toBe(200);
    readiness.markStopping();
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ components: [{ name: 'ledger', ok: true }, { name: 'process', ok: false, detail: 'shutting down' }] });
  });

  it('caches the report so a tight probe loop does not hammer the outside systems', async () => {
    let calls = 0;
    const counted: ComponentCheck = { name: 'notion', check: async () => `call ${++calls}` };
    const { app } = build([counted], { cacheMs: 60_000 });
    for (let i = 0; i < 5; i += 1) expect((await app.request('/ready')).status).toBe(200);
    expect(calls).toBe(1);
  });

  it('heals: a component that comes back makes it ready again', async () => {
    let up = false;
    const flaky: ComponentCheck = {
      name: 'openai',
      check: async () => {
        if (!up) throw new Error('401 invalid key');
        return 'key accepted';
      },
    };
    const { app } = build([flaky]);
    expect((await app.request('/ready')).status).toBe(503);
    up = true;
    expect((await app.request('/ready')).status).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('answers Prometheus text with its content type', async () => {
    const { app } = build([ok('ledger')], { defaultMetrics: true });
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types, samples } = parsePrometheus(await res.text());
    expect(types.get('files_processed_total')).toBe('counter');
    expect(types.get('transcription_duration_seconds')).toBe('histogram');
    expect(types.get('notion_api_duration_seconds')).toBe('histogram');
    for (const gauge of ['active_sftp_connections', 'pipeline_health', 'recordings_in_flight', 'oldest_pending_recording_age_seconds']) {
      expect(types.get(gauge), gauge).toBe('gauge');
    }
    expect(types.get('retries_total')).toBe('counter');
    expect(types.get('audio_seconds_transcribed_total')).toBe('counter');
    // the default process metrics
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
    expect(samples.some((s) => s.name === 'nodejs_heap_size_total_bytes')).toBe(true);
  });

  it('shows what was counted, with labels', async () => {
    const { app, metrics } = build([ok('ledger')]);
    metrics.filesProcessed.inc({ status: 'success' }, 3);
    metrics.filesProcessed.inc({ status: 'failure' });
    metrics.countRetry('openai');
    metrics.countRetry(undefined);
    metrics.transcriptionDuration.observe(1.7);
    const { samples } = parsePrometheus(await (await app.request('/metrics')).text());
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('files_processed_total', { status: 'success' })).toBe(3);
    expect(value('files_processed_total', { status: 'failure' })).toBe(1);
    expect(value('retries_total', { service: 'openai' })).toBe(1);
    expect(value('retries_total', { service: 'unknown' })).toBe(1);
    expect(value('transcription_duration_seconds_count')).toBe(1);
    expect(value('transcription_duration_seconds_bucket', { le: '2.5' })).toBe(1);
    expect(value('transcription_duration_seconds_bucket', { le: '1' })).toBe(0);
    expect(value('transcription_duration_seconds_bucket', { le: '+Inf' })).toBe(1);
  });

  it('refreshes the gauges from the ledger and the readiness on each scrape', async () => {
    const { app, ledger, refreshes } = build([broken('slack', 'invalid_auth')]);
    await ledger.claim({ source: 'inbox', path: '/in/a.wav', relativePath: 'a.wav', fileName: 'a.wav', size: 1, mtimeMs: 0 });
    const { samples } = parsePrometheus(await (await app.request('/metrics')).text());
    expect(refreshes()).toBe(1);
    expect(samples.find((s) => s.name === 'pipeline_health')?.value).toBe(0);
    expect(samples.find((s) => s.name === 'oldest_pending_recording_age_seconds')?.value).toBeGreaterThanOrEqual(0);
  });

  it('reports pipeline_health 1 when every part is usable', async () => {
    const { app } = build([ok('ledger'), ok('openai')]);
    const { samples } = parsePrometheus(await (await app.request('/metrics')).text());
    expect(samples.find((s) => s.name === 'pipeline_health')?.value).toBe(1);
  });

  it('the parser rejects a body that is not Prometheus text', () => {
    expect(() => parsePrometheus('# TYPE x gauge\nx{a="1"} one\n')).toThrow(/bad sample value/);
    expect(() => parsePrometheus('<html>oops</html>\n')).toThrow(/not Prometheus text/);
    expect(() => parsePrometheus('y 1\n')).toThrow(/before its TYPE/);
  });
});

describe('anything else', () => {
  it('answers 404 as JSON', async () => {
    const { app } = build([]);
    const res = await app.request('/admin');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  });
});
