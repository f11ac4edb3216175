import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNotionEmulator, type NotionEmulator } from '../../src/emulators/notion/notion-emulator.ts';
import { createOpenAiEmulator, type RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { serveApp, type ServedApp } from '../../src/http/serve-app.ts';
import { NOTION_PROPERTIES } from '../../src/publish/notion/notion-schema.ts';
import { transcriptLine } from '../../src/publish/transcript-markdown.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { runRecpipe } from '../helpers/recpipe-process.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('gsm-encoder');

const RECORDINGS = 50;

tools.describe('the pipeline publishes to Notion exactly once (run --once, real SDK, emulator with faults)', () => {
  let openai: RunningOpenAiEmulator;
  let notion: NotionEmulator;
  let notionServer: ServedApp;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    openai = await createOpenAiEmulator({ segmentSeconds: 1 }).start();
    notion = createNotionEmulator({ token: 'ntn_test', requestsPerSecond: 0 });
    notionServer = await serveApp(notion.app);
    const { databaseId } = notion.createDatabase('Call transcripts');
    root = await mkdtemp(path.join(tmpdir(), 'recpipe-notion-'));
    env = {
      DATA_DIR: path.join(root, 'data'),
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.url,
      NOTION_TOKEN: 'ntn_test',
      NOTION_DATABASE_ID: databaseId,
      NOTION_BASE_URL: notionServer.url,
      NOTION_REQUESTS_PER_SECOND: '20',
      FIVE9_TIMEZONE: 'America/Chicago',
      INBOX_STABLE_MS: '0',
      CONCURRENCY: '6',
      RETRY_BASE_DELAY_MS: '100',
      RETRY_MAX_DELAY_MS: '1000',
    };
  });

  afterAll(async () => {
    await openai.close();
    await notionServer.close();
  });

  it('doctor finds the empty database lacking, --fix sets it up', async () => {
    const before = await runRecpipe(['doctor'], env, root);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^FAIL {2}notion .*Recording ID/m);
    expect(before.stdout).toMatch(/^ok {4}openai .*key accepted/m);
    expect(before.stdout).toMatch(/^ok {4}ffmpeg /m);
    const fixed = await runRecpipe(['doctor', '--fix'], env, root);
    expect(fixed.stdout).toMatch(/^ok {4}notion /m);
    expect(fixed.code).toBe(0);
    expect((await runRecpipe(['doctor'], env, root)).code).toBe(0);
  });

  it(`${RECORDINGS} recordings under 429s and a 5xx after the page was created end with exactly ${RECORDINGS} pages, each whole and in order`, async () => {
    const day = path.join(env.DATA_DIR!, 'inbox', 'Support', '11_27_2026');
    await mkdir(day, { recursive: true });
    for (let i = 0; i < RECORDINGS; i++) {
      const name = `55501000${String(i).padStart(2, '0')}Support by agent${i % 5}@example.com @ ${1 + (i % 12)}_${String(i).padStart(2, '0')}_00 PM.wav`;
      await writeTestAudio(path.join(day, name), { seconds: i === 0 ? 130 : 3 + (i % 3), seed: 2000 + i, codec: 'gsm_ms' });
    }
    notion.faults.enqueue({ status: 429, retryAfter: 1, count: 6 });
    notion.faults.enqueue({ status: 502, after: true, method: 'POST', path: '/v1/pages', count: 2 });
    notion.faults.enqueue({ status: 504, after: true, method: 'PATCH', count: 1 });

    const run = await runRecpipe(['run', '--once'], env, root);
    expect(run.stdout).toMatch(new RegExp(`summary: ${RECORDINGS} done, 0 failed`));
    expect(run.code).toBe(0);

    const pages = notion.pages();
    expect(pages).toHaveLength(RECORDINGS);
    expect(new Set(pages.map((p) => p.properties['Recording ID'])).size).toBe(RECORDINGS);
    expect(notion.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(notion.requests.filter((r) => r.status === 502).length).toBe(2);
    // the 130 s call has 130 paragraphs: created with 100, the rest appended (one append answered 504 after it landed)
    expect(notion.requests.filter((r) => r.status === 504).length).toBe(1);
    expect(pages.some((p) => p.blocks.length === 130)).toBe(true);

    const transcripts = path.join(env.DATA_DIR!, 'transcripts');
    for (const file of (await readdir(transcripts)).filter((f) => f.endsWith('.json'))) {
      const doc = JSON.parse(await readFile(path.join(transcripts, file), 'utf8')) as TranscriptDocument;
      const page = pages.find((p) => p.properties['Recording ID'] === doc.id)!;
      expect(page.text).toBe(doc.segments.map(transcriptLine).join('\n'));
      expect(page.properties).toMatchObject({
        File: doc.fileName,
        Source: 'inbox',
        Caller: doc.call.caller,
        Agent: doc.call.agent,
        Campaign: 'Support',
        Leg: 'agent',
        Model: 'whisper-1',
        'Duration (s)': expect.any(Number),
      });
      expect(Date.parse(String(page.properties['Call Time']))).toBe(Date.parse(doc.call.callTime!));
    }
    // a second pass publishes nothing again
    const before = notion.requests.filter((r) => r.method === 'POST' && r.path === '/v1/pages').length;
    const again = await runRecpipe(['run', '--once'], env, root);
    expect(again.stdout).toMatch(/summary: 0 done, 0 failed/);
    expect(notion.requests.filter((r) => r.method === 'POST' && r.path === '/v1/pages').length).toBe(before);
  });

  it('NOTION_ATTACH_AUDIO=true attaches a playable MP3 of the call to its page, once', async () => {
    const { databaseId } = notion.createDatabase('Calls with audio', NOTION_PROPERTIES);
    const dataDir = path.join(root, 'data-audio');
    await mkdir(path.join(dataDir, 'inbox'), { recursive: true });
    await writeTestAudio(path.join(dataDir, 'inbox', '5550001111Support by ann@example.com @ 9_00_00 AM.wav'), { seconds: 5, seed: 2500, codec: 'gsm_ms' });
    const audioEnv = { ...env, DATA_DIR: dataDir, NOTION_DATABASE_ID: databaseId, NOTION_ATTACH_AUDIO: 'true' };
    const run = await runRecpipe(['run', '--once'], audioEnv, root);
    expect(run.stdout).toMatch(/summary: 1 done, 0 failed/);
    const page = notion.pages().find((p) => p.databaseId === databaseId)!;
    const audio = page.blocks.filter((b) => b.type === 'audio');
    expect(audio).toHaveLength(1);
    expect(audio[0]!.upload).toMatchObject({ contentType: 'audio/mpeg' });
    expect(String(audio[0]!.upload!.filename)).toBe('5550001111Support by ann@example.com @ 9_00_00 AM.mp3');
    // the transcript comes first, the audio last
    expect(page.blocks.at(-1)!.type).toBe('audio');
  });
});
