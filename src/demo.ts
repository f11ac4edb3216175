import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from './config.ts';
import { createNotionEmulator } from './emulators/notion/notion-emulator.ts';
import { createOpenAiEmulator } from './emulators/openai-emulator.ts';
import { createSlackEmulator } from './emulators/slack-emulator.ts';
import { serveApp } from './http/serve-app.ts';
import { checkNotionDatabase } from './publish/notion/notion-schema.ts';
import { Service } from './main.ts';
import { createLogger } from './observability/logger.ts';
import { outcomeLine } from './commands/run-once.ts';
import { plannedUploads } from './transcribe/planned-uploads.ts';
import { requestLimitsFor } from './transcribe/request-limits.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/samples');

/**
 * Variables that could send the demo's samples somewhere real or read real data: ignored, so a
 * demo run beside a live service (same shell, same `.env`) never reaches its accounts or folders.
 */
const REAL_ENDPOINTS = /^(OPENAI_|NOTION_|SLACK_|SFTP_|DATABASE_URL|DATA_DIR|INBOX_DIR|INSIGHTS_)/;

/**
 * `npm run demo`: the whole pipeline on built-in emulators (no accounts): copies the sample
 * recordings into the inbox of a fresh temporary DATA_DIR, processes them once and shows what
 * came out. `.env` is never read and every endpoint is an emulator; the folder is kept so the
 * transcripts can be looked at, and its path printed.
 */
async function demo(): Promise<number> {
  process.umask(0o077);
  const ignored = Object.keys(process.env).filter((name) => REAL_ENDPOINTS.test(name));
  // the SDKs read some of these themselves (OPENAI_BASE_URL, OPENAI_ORG_ID, …) when not told
  for (const name of ignored) delete process.env[name];
  if (ignored.length > 0) console.log(`demo: ignoring ${ignored.sort().join(', ')} from the environment; it only talks to its emulators`);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'recpipe-demo-'));

  const openai = createOpenAiEmulator();
  const openaiServer = await openai.start();
  const notion = createNotionEmulator();
  // an empty database, set up the way `recpipe doctor --fix` sets up a customer's
  const { databaseId } = notion.createDatabase('Call transcripts');
  const notionServer = await serveApp(notion.app);
  const slack = createSlackEmulator({ token: 'xoxb-demo', channels: ['call-alerts'] });
  const slackServer = await slack.start();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    FIVE9_TIMEZONE: 'America/New_York',
    AGENT_CHANNEL: 'right',
    INBOX_STABLE_MS: '0',
    WATCH_INBOX: 'false',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openaiServer.url,
    NOTION_TOKEN: 'ntn_demo',
    NOTION_DATABASE_ID: databaseId,
    NOTION_BASE_URL: notionServer.url,
    SLACK_BOT_TOKEN: 'xoxb-demo',
    SLACK_CHANNEL: 'call-alerts',
    SLACK_API_URL: slackServer.apiUrl,
    // insights from the emulator's chat completions: deterministic, derived from each transcript
    INSIGHTS_MODEL: 'gpt-4o-mini',
    INSIGHTS_REASONS: 'billing,renewal,sales question,other',
    INSIGHTS_REQUIRED_PHRASES: 'thank you for calling',
    SLACK_ALERT_ON: 'escalated,negative',
  });
  await scriptSampleSpeech(openai, config);
  const fixed = await checkNotionDatabase(config.notion!, { fix: true });
  if (!fixed.ok) throw new Error(`could not set up the demo Notion database: ${fixed.lines.join('; ')}`);
  const log = createLogger({ ...config.log, destination: process.stderr });

  await cp(SAMPLES, config.paths.inboxDir, { recursive: true, filter: (source) => !source.endsWith('README.md') && !source.endsWith('speech.json') });
  console.log(`demo: emulators of OpenAI ${openaiServer.url}, Notion ${notionServer.url}, Slack ${slackServer.url}`);
  console.log(`demo: sample recordings copied to ${config.paths.inboxDir}\n`);

  const service = await Service.create(config, log);
  try {
    const { tally } = await service.runOnce((outcome) => console.log(outcomeLine(outcome)));
    const s = tally.summary('run');
    console.log(`\nsummary: ${s.succeeded} done, ${s.failed} failed, ${s.duplicates} duplicate, ${s.skipped} skipped; ${s.audioSeconds} s of audio`);
    const transcripts = (await readdir(config.paths.transcriptsDir)).filter((f) => f.endsWith('.md')).sort();
    console.log(`transcripts (JSON + Markdown) in ${config.paths.transcriptsDir}: ${transcripts.length} recordings`);
    const answered = openai.stats.requests.filter((r) => r.status === 200);
    const chats = answered.filter((r) => r.path.endsWith('/chat/completions')).length;
    console.log(`originals in ${config.paths.processedDir}; emulator answered ${answered.length - chats} transcription and ${chats} insights requests`);
    if (s.insights) {
      const cost = s.insights.costPerCallUsd === undefined ? '' : `; ~$${s.insights.costPerCallUsd.toFixed(5)} per call at ${config.insights?.model} list price`;
      console.log(`insights: ${s.insights.promptTokens} prompt + ${s.insights.completionTokens} completion tokens for ${s.insights.calls} calls${cost}`);
    }
    console.log(`\nNotion database "Call transcripts": ${notion.pages().length} pages`);
    for (const page of notion.pages()) {
      const p = page.properties;
      console.log(`  ${String(p.Name)}  [${p.Leg ?? '-'}]  ${page.blocks.length} paragraph(s)  outcome ${p.Outcome ?? '-'}, caller ${p.Sentiment ?? '-'}, reason ${p.Reason ?? '-'}`);
    }
    await service.close();
    const messages = slack.messages();
    console.log(`Slack #call-alerts: ${messages.length} message(s): ${messages.map((m) => (m.text ?? '').split('\n')[0]).join(' | ')}`);
    for (const id of ['35002af3288a69a2', '1cbfdb0d1d21b4b1']) {
      const file = path.join(config.paths.transcriptsDir, `${id}.md`);
      const markdown = await readFile(file, 'utf8').catch(() => undefined);
      const from = markdown?.indexOf('## Insights') ?? -1;
      if (markdown) console.log(`\n--- ${file}\n${markdown.slice(from >= 0 ? from : markdown.indexOf('## Transcript'))}`);
    }
    console.log(`\ndemo: everything it wrote is in ${dataDir} (kept for you to look at; delete it when done)`);
    return s.failed > 0 ? 1 : 0;
  } finally {
    await service.close();
    await Promise.all([openaiServer.close(), notionServer.close(), slackServer.close()]);
  }
}

/**
 * Makes the emulator "hear" the samples' synthetic speech (test/fixtures/samples/speech.json):
 * each track's words go to the request the pipeline will send for it, which is shorter than the
 * track when its silences are cut out.
 */
async function scriptSampleSpeech(openai: ReturnType<typeof createOpenAiEmulator>, config: Config): Promise<void> {
  const speech = JSON.parse(await readFile(path.join(SAMPLES, 'speech.json'), 'utf8')) as {
    samples: Array<{ file: string; tracks: string[][] }>;
  };
  const scratch = await mkdtemp(path.join(tmpdir(), 'recpipe-demo-'));
  const settings = { ...config.transcription, limits: requestLimitsFor(config.openai.model) };
  try {
    for (const [index, sample] of speech.samples.entries()) {
      const uploads = await plannedUploads(path.join(SAMPLES, sample.file), path.join(scratch, String(index)), settings);
      for (const upload of uploads) {
        const utterances = sample.tracks[upload.channel];
        if (utterances) openai.scriptFor({ durationSeconds: upload.durationSeconds, fileName: upload.fileName }, utterances);
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

demo().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
