import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createOpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { createSlackEmulator, type RunningSlackEmulator, type SlackEmulator } from '../../src/emulators/slack-emulator.ts';
import { Service } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { SlackNotifier } from '../../src/publish/slack/slack-notifier.ts';

const SAMPLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/samples/Renewals/11_27_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
);

describe('SLACK_NOTIFY (Slack emulator behind the real SDK)', () => {
  let openai: RunningOpenAiEmulator;
  let slack: SlackEmulator;
  let slackServer: RunningSlackEmulator;
  const dirs: string[] = [];

  beforeAll(async () => {
    openai = await createOpenAiEmulator().start();
    slack = createSlackEmulator({ token: 'xoxb-test', channels: ['calls'], burstPerChannel: 10 });
    slackServer = await slack.start();
  });
  afterAll(async () => {
    await Promise.all([openai.close(), slackServer.close()]);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const runWith = async (notify: string | undefined) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'recpipe-notify-'));
    dirs.push(dataDir);
    await mkdir(path.join(dataDir, 'inbox/Renewals/11_27_2026'), { recursive: true });
    await cp(SAMPLE, path.join(dataDir, 'inbox/Renewals/11_27_2026', path.basename(SAMPLE)));
    const config = loadConfig({
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.url,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_CHANNEL: 'calls',
      SLACK_API_URL: slackServer.apiUrl,
      INBOX_STABLE_MS: '0',
      WATCH_INBOX: 'false',
      LOG_LEVEL: 'warn',
      ...(notify ? { SLACK_NOTIFY: notify } : {}),
    });
    const before = slack.messages().length;
    const service = await Service.create(config, createLogger({ ...config.log, destination: process.stderr }));
    try {
      await service.runOnce();
    } finally {
      await service.close(); // waits for queued alerts
    }
    return slack.messages().slice(before).map((m) => m.text ?? '');
  };

  it('all: one short line per finished call (id, length, agent, campaign), never the caller number', async () => {
    const texts = await runWith('all');
    const done = texts.filter((t) => t.includes('transcribed'));
    expect(done).toHaveLength(1);
    expect(done[0]).toMatch(/^:white_check_mark: Call `[0-9a-f]{16}` transcribed: \d+ s, agent jdoe@example\.com, campaign Outbound - Renewals$/);
    for (const text of texts) expect(text).not.toMatch(/\d{7}/);
  });

  it('failures (the default): no line for a successful call, only the run summary', async () => {
    const texts = await runWith(undefined);
    expect(texts.filter((t) => t.includes('transcribed'))).toEqual([]);
    expect(texts).toHaveLength(1);
  });

  it('during a burst, finished-call lines give way so no failure alert is dropped for them', async () => {
    const notifier = new SlackNotifier({
      botToken: 'xoxb-test',
      channel: 'calls',
      apiUrl: slackServer.apiUrl,
      maxQueued: 4,
      metrics: new Metrics({ defaultMetrics: false }),
      logger: createLogger({ level: 'warn', format: 'json', destination: process.stderr }),
    });
    const before = slack.messages().length;
    slack.faults.delayMs = 300; // Slack slow: the queue fills
    try {
      const alert = { fileName: 'x.wav', source: 'inbox' as const, stage: 'transcribe', reason: 'bad audio', attempts: 1 };
      await notifier.recordingFailed({ ...alert, id: 'aaaaaaaaaaaaaaa1' });
      await notifier.recordingFailed({ ...alert, id: 'aaaaaaaaaaaaaaa2' });
      await notifier.recordingDone({ id: 'bbbbbbbbbbbbbbb1', audioSeconds: 60 }); // skipped: queue half full
      await notifier.recordingFailed({ ...alert, id: 'aaaaaaaaaaaaaaa3' });
      await notifier.recordingFailed({ ...alert, id: 'aaaaaaaaaaaaaaa4' });
      await notifier.close(20_000);
    } finally {
      slack.faults.delayMs = 0;
    }
    const texts = slack.messages().slice(before).map((m) => JSON.stringify(m));
    expect(texts).toHaveLength(4);
    expect(texts.join('\n')).not.toContain('bbbbbbbbbbbbbbb1');
    for (const n of [1, 2, 3, 4]) expect(texts.join('\n')).toContain(`aaaaaaaaaaaaaaa${n}`);
    // and with room, the line goes out
    const quiet = new SlackNotifier({ botToken: 'xoxb-test', channel: 'calls', apiUrl: slackServer.apiUrl, metrics: new Metrics({ defaultMetrics: false }), logger: createLogger({ level: 'warn', format: 'json', destination: process.stderr }) });
    await quiet.recordingDone({ id: 'bbbbbbbbbbbbbbb2', audioSeconds: 3725, agent: 'Dana 5551234567', campaign: 'Sales' });
    await quiet.close(10_000);
    expect(slack.messages().at(-1)?.text).toBe(':white_check_mark: Call `bbbbbbbbbbbbbbb2` transcribed: 1 h 2 min, agent Dana [number], campaign Sales');
  });

  it('anything else is a configuration problem naming SLACK_NOTIFY; SUMMARY_AT must be HH:MM', () => {
    expect(() => loadConfig({ SLACK_NOTIFY: 'everything', SUMMARY_AT: '8am' })).toThrow(/SLACK_NOTIFY: /);
    expect(() => loadConfig({ SUMMARY_AT: '24:00' })).toThrow(/SUMMARY_AT: must be a 24-hour time HH:MM/);
    expect(loadConfig({ SUMMARY_AT: '08:00' }).alerts).toMatchObject({ summaryAt: '08:00', notify: 'failures' });
  });
});
