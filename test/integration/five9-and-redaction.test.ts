import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOpenAiEmulator, type OpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { createNotionEmulator, type NotionEmulator } from '../../src/emulators/notion/notion-emulator.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/emulators/slack-emulator.ts';
import { serveApp, type ServedApp } from '../../src/http/serve-app.ts';
import { NOTION_PROPERTIES } from '../../src/publish/notion/notion-schema.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { runRecpipe } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('gsm-encoder');

async function allBytes(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return (await Promise.all(files.map((f) => readFile(f, 'latin1')))).join('\n');
}

tools.describe('run --once: Five9 metadata and card numbers never stored', () => {
  let emulator: OpenAiEmulator;
  let running: RunningOpenAiEmulator;
  let notion: NotionEmulator;
  let notionServer: ServedApp;
  let slack: SlackEmulator;
  let slackServer: Awaited<ReturnType<SlackEmulator['start']>>;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = createOpenAiEmulator();
    running = await emulator.start();
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-five9-'));
    notion = createNotionEmulator({ token: 'ntn_test', requestsPerSecond: 0 });
    const { databaseId } = notion.createDatabase('Calls', NOTION_PROPERTIES);
    notionServer = await serveApp(notion.app);
    slack = createSlackEmulator({ token: 'xoxb-test', channels: ['alerts'] });
    slackServer = await slack.start();
    env = {
      NOTION_TOKEN: 'ntn_test',
      NOTION_DATABASE_ID: databaseId,
      NOTION_BASE_URL: notionServer.url,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_CHANNEL: 'alerts',
      SLACK_API_URL: slackServer.apiUrl,
      DATA_DIR: path.join(root, 'data'),
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: running.url,
      INBOX_STABLE_MS: '0',
      FIVE9_TIMEZONE: 'America/New_York',
    };
  });

  afterAll(async () => Promise.all([running.close(), notionServer.close(), slackServer.close()]));

  it('fills the call object from the name and day folder, masks the card before anything is written', async () => {
    const day = path.join(env.DATA_DIR!, 'inbox', 'Renewals', '3_8_2026');
    await mkdir(day, { recursive: true });
    const name = '300000001234567-300000007654321-5551234567 by jdoe@example.com @ 2_30_15 AM.wav';
    await writeTestAudio(path.join(day, name), { seconds: 4, seed: 77, codec: 'gsm_ms' });
    emulator.say('Thanks for calling. Can I have the card number?', 'Sure, it is 4111 1111 1111 1111.', 'And the security code is 123.');

    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.code).toBe(0);
    const [json] = (await readdir(path.join(env.DATA_DIR!, 'transcripts'))).filter((f) => f.endsWith('.json'));
    const doc = JSON.parse(await readFile(path.join(env.DATA_DIR!, 'transcripts', json!), 'utf8')) as TranscriptDocument;
    // 2:30 AM on the spring-forward day does not exist in New York: moved forward to 3:30 EDT
    expect(doc.call).toEqual({
      callTime: '2026-03-08T07:30:15.000Z',
      caller: '5551234567',
      agent: 'jdoe@example.com',
      interactionId: '300000007654321',
      legId: '300000001234567',
      leg: 'agent',
      nameShape: 'ids',
    });
    expect(doc.text).toContain('[card number]');
    expect(doc.text).toContain('[security code]');
    expect(doc.redactions).toEqual({ 'card number': 1, 'security code': 1 });
    // nowhere: transcripts, ledger checkpoints (SQLite file and WAL), logs of this run, Notion, Slack
    const everything =
      (await allBytes(env.DATA_DIR!)) + run.stdout + run.stderr + JSON.stringify(notion.pages()) + JSON.stringify(slack.messages());
    expect(notion.pages()[0]!.text).toContain('[card number]');
    expect(everything).not.toMatch(/4111[ -]?1111[ -]?1111[ -]?1111/);
    expect(everything).not.toContain('code is 123');
  });

  it('flags a name that matches no Five9 shape instead of guessing, and still transcribes it', async () => {
    await writeTestAudio(path.join(env.DATA_DIR!, 'inbox', 'Meeting notes 2026.wav'), { seconds: 2, seed: 78 });
    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed/);
    const status = JSON.parse((await runRecpipe(['status', '--json'], env, root)).stdout);
    expect(status.needsAttention).toHaveLength(1);
    expect(status.needsAttention[0]).toMatchObject({
      fileName: 'Meeting notes 2026.wav',
      attention: 'file name matches no Five9 pattern; add FIVE9_NAME_PATTERN',
      state: 'done',
    });
    const text = (await runRecpipe(['status'], env, root)).stdout;
    expect(text).toContain('needs attention');
    // and in the transcript JSON, the Markdown and the Notion page
    const id = status.needsAttention[0].id as string;
    const doc = JSON.parse(await readFile(path.join(env.DATA_DIR!, 'transcripts', `${id}.json`), 'utf8')) as TranscriptDocument;
    expect(doc.needsAttention).toBe('file name matches no Five9 pattern; add FIVE9_NAME_PATTERN');
    expect(doc.call).toEqual({});
    expect(await readFile(path.join(env.DATA_DIR!, 'transcripts', `${id}.md`), 'utf8')).toContain('**Needs attention:** file name matches');
    const page = notion.pages().find((p) => p.properties['Recording ID'] === id)!;
    expect(page.blocks[0]!.text).toBe('Needs attention: file name matches no Five9 pattern; add FIVE9_NAME_PATTERN');
    expect(page.properties.Name).toBe('Meeting notes 2026.wav');
  });
});
