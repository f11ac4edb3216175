import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/emulators/slack-emulator.ts';
import { runRecpipe } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';

describe('Slack alerts from a real run (Web API emulator through @slack/web-api)', () => {
  let openai: RunningOpenAiEmulator;
  let slack: SlackEmulator;
  let slackServer: Awaited<ReturnType<SlackEmulator['start']>>;

  beforeAll(async () => {
    openai = await createOpenAiEmulator().start();
    slack = createSlackEmulator({ token: 'xoxb-test', channels: ['call-alerts'] });
    slackServer = await slack.start();
  });
  afterAll(async () => {
    await openai.close();
    await slackServer.close();
  });

  async function setUp(name: string): Promise<{ env: Record<string, string>; root: string }> {
    const root = await mkdtemp(path.join(tmpdir(), `recpipe-slack-${name}-`));
    const inbox = path.join(root, 'data', 'inbox', 'Sales', '11_27_2026');
    await mkdir(inbox, { recursive: true });
    await writeTestAudio(path.join(inbox, '5551234567Sales by ann@example.com @ 1_02_03 PM.wav'), { seconds: 3, seed: name.length });
    await writeFile(path.join(inbox, '5559876543Sales by bob@example.com @ 2_03_04 PM.wav'), 'not audio at all');
    const env = {
      DATA_DIR: path.join(root, 'data'),
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.url,
      INBOX_STABLE_MS: '0',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_CHANNEL: 'call-alerts',
      SLACK_API_URL: slackServer.apiUrl,
    };
    return { env, root };
  }

  it('alerts a failed recording once, without transcript text or phone numbers, then a run summary', async () => {
    const { env, root } = await setUp('up');
    const before = slack.messages().length;
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.code).toBe(1);
    const messages = slack.messages().slice(before);
    expect(messages).toHaveLength(2);
    const [failure, summary] = messages;
    expect(failure!.channelName).toBe('call-alerts');
    expect(JSON.stringify(failure)).toMatch(/probe/);
    expect(JSON.stringify(failure)).toMatch(/not an audio file/);
    expect(JSON.stringify(summary)).toMatch(/1 (done|succeeded)/i);
    for (const message of messages) {
      // recording ids are hex and may hold digit runs; everything else must not
      const raw = JSON.stringify({ text: message.text, blocks: message.blocks }).replace(/\b[0-9a-f]{16}\b/g, '<id>');
      expect(raw).not.toMatch(/Emulated speech/);
      expect(raw).not.toMatch(/555\d{7}/);
      expect(raw).not.toMatch(/\d{7,}/);
    }
  });

  it('Slack down neither fails nor stalls the pipeline', async () => {
    const { env, root } = await setUp('down');
    slack.faults.down = true;
    try {
      const started = Date.now();
      const run = await runRecpipe(['run', '--once'], env, root);
      expect(run.code).toBe(1); // the bad file, nothing else
      expect(run.stdout).toMatch(/summary: 1 done, 1 failed/);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(run.stderr).toMatch(/slack/i);
    } finally {
      slack.faults.down = false;
    }
  });
});
