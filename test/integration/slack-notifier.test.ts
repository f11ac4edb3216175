import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { createSlackEmulator } from '../../src/emulators/slack-emulator.ts';
import type { RunningSlackEmulator, SlackEmulator, SlackEmulatorMessage, SlackEmulatorOptions } from '../../src/emulators/slack-emulator.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { FailureAlert, RunSummary } from '../../src/publish/notifier.ts';
import { SlackNotifier } from '../../src/publish/slack/slack-notifier.ts';
import type { SlackNotifierOptions } from '../../src/publish/slack/slack-notifier.ts';

const token = 'xoxb-test-token';
/** Notifier calls only format and queue; generous for a loaded CI box, far below any timeout. */
const returnsAtOnceMs = 250;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startEmulator(options: SlackEmulatorOptions = {}): Promise<{ emulator: SlackEmulator; server: RunningSlackEmulator }> {
  const emulator = createSlackEmulator({ token, channels: ['alerts'], ...options });
  const server = await emulator.start();
  cleanups.push(() => server.close());
  return { emulator, server };
}

function notifierFor(options: Partial<SlackNotifierOptions>) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const metrics = new Metrics({ defaultMetrics: false });
  const notifier = new SlackNotifier({ metrics, logger, timeoutMs: 2000, ...options });
  cleanups.push(() => notifier.close(100));
  const failedCount = async (): Promise<number> => (await metrics.alertsFailed.get()).values[0]?.value ?? 0;
  const warnings = () => lines.filter((line) => line.level === 40);
  return { notifier, failedCount, warnings };
}

function webApi(server: RunningSlackEmulator, options: Partial<SlackNotifierOptions> = {}) {
  return notifierFor({ botToken: token, channel: 'alerts', apiUrl: server.apiUrl, ...options });
}

/** Resolves with the call's duration in ms; fails the test if the call throws. */
async function timed(call: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/** What Slack shows: the fallback text and the blocks (not the emulator's ids and ts). */
function content(message: SlackEmulatorMessage | undefined): string {
  return JSON.stringify({ text: message?.text, blocks: message?.blocks });
}

const five9File = '5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav';
const transcriptText = 'Sure, my card number is 4111 1111 1111 1111 and my date of birth';
const alert: FailureAlert = {
  id: 'a1b2c3d4e5f60718',
  fileName: five9File,
  source: 'sftp',
  stage: 'publish',
  reason: 'notion: validation_error for caller +1 (555) 123-4567',
  attempts: 5,
};

describe('SlackNotifier over the Web API (real WebClient → emulator)', () => {
  it('delivers a failure alert once, without transcript text or long numbers', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount } = webApi(server);
    expect(notifier.mode).toBe('web-api');
    await notifier.recordingFailed(alert);
    expect(await notifier.flush(5000)).toBe(true);

    const messages = emulator.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ via: 'api', channel: emulator.channels[0]?.id });
    const posted = content(messages[0]);
    expect(posted).toContain('Outbound - Renewals');
    expect(posted).toContain('a1b2c3d4e5f60718');
    expect(posted).not.toMatch(/\d{7,}/);
    expect(posted).not.toContain('555');
    expect(posted).not.toContain(transcriptText.slice(0, 20));
    expect(await failedCount()).toBe(0);
  });

  it('posts a 200-failure summary that Slack accepts, within its limits', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount } = webApi(server);
    const summary: RunSummary = {
      kind: 'run',
      startedAt: '2026-08-21T10:00:00.000Z',
      endedAt: '2026-08-21T10:05:00.000Z',
      succeeded: 10,
      failed: 200,
      duplicates: 0,
      audioSeconds: 600,
      failures: Array.from({ length: 200 }, (_, i) => ({ fileName: `${5550001000 + i}${five9File.slice(10)}`, stage: 'transcribe', reason: 'x'.repeat(500) })),
    };
    await notifier.summary(summary);
    await notifier.sourceDown('sftp', 'connect ECONNREFUSED', 5);
    await notifier.sourceRecovered('sftp', 120_000);
    expect(await notifier.flush(5000)).toBe(true);
    expect(await failedCount()).toBe(0);
    const [posted] = emulator.messages();
    expect(posted?.blocks?.length).toBeLessThanOrEqual(50);
    expect(posted?.text?.length).toBeLessThanOrEqual(40_000);
    expect(content(posted)).not.toMatch(/\d{7,}/);
    expect(emulator.messages().map((m) => m.text?.split(':')[1])).toEqual(['warning', 'rotating_light', 'white_check_mark']);
  });

  it('honours 429 Retry-After in the background: the call returns at once, the alert lands later, once', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount } = webApi(server);
    emulator.faults.enqueue({ status: 429, retryAfter: 1, target: 'chat.postMessage' });
    const started = performance.now();
    expect(await timed(() => notifier.recordingFailed(alert))).toBeLessThan(returnsAtOnceMs);
    expect(await notifier.flush(5000)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(emulator.messages()).toHaveLength(1);
    expect(await failedCount()).toBe(0);
  });

  it('keeps order and delivers each alert once under the per-channel rate limit', async () => {
    const { emulator, server } = await startEmulator({ messagesPerSecondPerChannel: 3, burstPerChannel: 2 });
    const { notifier, failedCount } = webApi(server);
    for (let i = 0; i < 4; i++) await notifier.sourceDown(`source-${i}`, 'down', 3);
    expect(await notifier.flush(10_000)).toBe(true);
    expect(emulator.requests.some((r) => r.status === 429)).toBe(true);
    expect(emulator.messages().map((m) => m.text?.match(/source-\d/)?.[0])).toEqual(['source-0', 'source-1', 'source-2', 'source-3']);
    expect(await failedCount()).toBe(0);
  });

  it('Slack down (503): calls return at once, never throw, few requests, failures counted', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount, warnings } = webApi(server, { timeoutMs: 500 });
    emulator.faults.down = true;
    for (let i = 0; i < 3; i++) expect(await timed(() => notifier.recordingFailed({ ...alert, id: `a${i}` }))).toBeLessThan(returnsAtOnceMs);
    const started = performance.now();
    expect(await notifier.flush(10_000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await failedCount()).toBe(3);
    // 3 attempts for the first alert, then one each while Slack stays down (no 30-minute SDK retries).
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    expect(warnings().map((w) => w.err)).toContain('slack: HTTP 503');
  });

  it('Slack hanging: each request is cut at the timeout', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount } = webApi(server, { timeoutMs: 300 });
    emulator.faults.delayMs = 30_000;
    await notifier.recordingFailed(alert);
    await notifier.summary({ kind: 'periodic', startedAt: 'a', endedAt: 'b', succeeded: 1, failed: 0, duplicates: 0, audioSeconds: 1, failures: [] });
    const started = performance.now();
    expect(await notifier.flush(10_000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await failedCount()).toBe(2);
    // 3 attempts for the first alert, 1 for the next; each cut by the client, none processed
    await vi.waitFor(() => expect(emulator.requests.map((r) => r.status)).toEqual([499, 499, 499, 499]), { timeout: 5000 });
    expect(emulator.messages()).toEqual([]);
  });

  it('Slack unreachable (closed port): counted, not thrown', async () => {
    const dead = await createSlackEmulator().start();
    await dead.close();
    const { notifier, failedCount, warnings } = webApi(dead, { timeoutMs: 500 });
    await notifier.recordingFailed(alert);
    expect(await notifier.flush(10_000)).toBe(true);
    expect(await failedCount()).toBe(1);
    expect(String(warnings()[0]?.err)).toMatch(/slack: request failed/);
    await expect(notifier.check()).rejects.toThrow(/request failed/);
  });

  it('an invalid token is logged and counted after one request, never thrown', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount, warnings } = webApi(server, { botToken: 'xoxb-revoked' });
    await notifier.recordingFailed(alert);
    expect(await notifier.flush(5000)).toBe(true);
    expect(await failedCount()).toBe(1);
    expect(warnings()[0]).toMatchObject({ kind: 'recording-failed', recordingId: alert.id, err: 'slack: invalid_auth', msg: 'slack alert not delivered' });
    expect(JSON.stringify(warnings())).not.toContain('5551234567');
    expect(emulator.requests).toHaveLength(1);
    await expect(notifier.check()).rejects.toThrow('slack: invalid_auth');
  });

  it('check() runs auth.test', async () => {
    const { server } = await startEmulator();
    const { notifier } = webApi(server);
    await expect(notifier.check()).resolves.toBe('slack: authenticated as recpipe in Emulated Workspace');
  });

  it('bounds the queue, dropping the oldest alerts with a counted warning, and close() gives up on the rest', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount, warnings } = webApi(server, { maxQueued: 2, timeoutMs: 5000 });
    emulator.faults.delayMs = 300;
    for (let i = 0; i < 5; i++) await notifier.sourceDown(`source-${i}`, 'down', 3);
    // delivery starts on a later turn: two kept, the three oldest dropped
    expect(await failedCount()).toBe(3);
    expect(warnings().map((w) => w.err)).toContain('alert queue full: oldest alert dropped');
    const started = performance.now();
    await notifier.close(400);
    expect(performance.now() - started).toBeLessThan(1000);
    await notifier.recordingFailed(alert);
    expect(await failedCount()).toBeGreaterThanOrEqual(4);
    // the request close() gave up waiting for still lands, after the emulator's 300 ms delay
    await vi.waitFor(() => expect(emulator.messages().map((m) => m.text?.match(/source-\d/)?.[0])[0]).toBe('source-3'), { timeout: 5000 });
  });
});

describe('SlackNotifier over an incoming webhook (fetch → emulator)', () => {
  it('posts, and reports itself configured without posting', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount } = notifierFor({ webhookUrl: server.webhookUrl });
    expect(notifier.mode).toBe('webhook');
    await expect(notifier.check()).resolves.toMatch(/incoming webhook configured/);
    await notifier.recordingFailed(alert);
    expect(await notifier.flush(5000)).toBe(true);
    expect(emulator.messages().map((m) => m.via)).toEqual(['webhook']);
    expect(content(emulator.messages()[0])).not.toMatch(/\d{7,}/);
    expect(emulator.requests).toHaveLength(1);
    expect(await failedCount()).toBe(0);
  });

  it('retries 5xx and honours 429 Retry-After', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount } = notifierFor({ webhookUrl: server.webhookUrl });
    emulator.faults.enqueue({ status: 500, target: 'webhook' });
    emulator.faults.enqueue({ status: 429, retryAfter: 1, target: 'webhook' });
    const started = performance.now();
    await notifier.recordingFailed(alert);
    expect(await notifier.flush(10_000)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.requests.map((r) => [r.status, r.error])).toEqual([[500, 'rollup_error'], [429, 'rate_limited'], [200, undefined]]);
    expect(emulator.messages()).toHaveLength(1);
    expect(await failedCount()).toBe(0);
  });

  it('logs and counts plain-text errors such as 404 no_service without retrying them', async () => {
    const { emulator, server } = await startEmulator();
    const { notifier, failedCount, warnings } = notifierFor({ webhookUrl: `${server.url}/services/T1/B1/deleted` });
    await notifier.recordingFailed(alert);
    expect(await notifier.flush(5000)).toBe(true);
    expect(await failedCount()).toBe(1);
    expect(warnings()[0]).toMatchObject({ status: 404, err: 'slack webhook: HTTP 404 no_service' });
    expect(emulator.requests).toHaveLength(1);
  });
});

describe('SlackNotifier configuration', () => {
  it('needs a bot token and channel, or a webhook URL', () => {
    expect(() => notifierFor({})).toThrow(/SLACK_BOT_TOKEN and SLACK_CHANNEL, or SLACK_WEBHOOK_URL/);
  });
});
