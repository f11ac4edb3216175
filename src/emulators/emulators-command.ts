import { createNotionEmulator } from './notion/notion-emulator.ts';
import { createOpenAiEmulator } from './openai-emulator.ts';
import { createSlackEmulator } from './slack-emulator.ts';
import { serveApp } from '../http/serve-app.ts';
import { checkNotionDatabase } from '../publish/notion/notion-schema.ts';

/** Ports for `recpipe emulators`; 0 or unset picks a free one. */
export interface EmulatorPorts {
  openai?: number;
  notion?: number;
  slack?: number;
}

// Fixed, obviously fake credentials: the emulators accept only these, so a line pasted into the
// wrong place fails loudly instead of reaching a real account.
const OPENAI_KEY = 'sk-emulator';
const NOTION_TOKEN = 'ntn_emulator';
const SLACK_TOKEN = 'xoxb-emulator';
const SLACK_CHANNEL = 'call-alerts';

/**
 * `recpipe emulators`: the OpenAI, Notion and Slack emulators on loopback, a Notion database set
 * up as `doctor --fix` would, and the environment lines that point `recpipe start` at them.
 * Runs until `stop` aborts (SIGINT/SIGTERM in the CLI); every emulator keeps its state in memory.
 * The lines go to stdout (a `.env` can be made from them); progress goes to stderr.
 */
export async function emulatorsCommand(ports: EmulatorPorts, stop: AbortSignal): Promise<number> {
  const openai = createOpenAiEmulator({ apiKey: OPENAI_KEY });
  const notion = createNotionEmulator({ token: NOTION_TOKEN });
  const slack = createSlackEmulator({ token: SLACK_TOKEN, channels: [SLACK_CHANNEL] });
  const { databaseId } = notion.createDatabase('Call transcripts');
  const servers: Array<{ close(): Promise<void> }> = [];
  try {
    const openaiServer = await openai.start({ port: ports.openai ?? 0 });
    servers.push(openaiServer);
    const notionServer = await serveApp(notion.app, { port: ports.notion ?? 0 });
    servers.push(notionServer);
    const slackServer = await slack.start({ port: ports.slack ?? 0 });
    servers.push(slackServer);

    const schema = await checkNotionDatabase({ token: NOTION_TOKEN, databaseId, baseUrl: notionServer.url }, { fix: true });
    if (!schema.ok) throw new Error(`could not set up the emulated Notion database: ${schema.lines.join('; ')}`);

    console.log(
      [
        '# recpipe emulators: OpenAI, Notion and Slack on loopback, state in memory; stop with Ctrl-C',
        `OPENAI_API_KEY=${OPENAI_KEY}`,
        `OPENAI_BASE_URL=${openaiServer.url}`,
        `NOTION_TOKEN=${NOTION_TOKEN}`,
        `NOTION_DATABASE_ID=${databaseId}`,
        `NOTION_BASE_URL=${notionServer.url}`,
        `SLACK_BOT_TOKEN=${SLACK_TOKEN}`,
        `SLACK_CHANNEL=${SLACK_CHANNEL}`,
        `SLACK_API_URL=${slackServer.apiUrl}`,
        '# end of environment',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      if (stop.aborted) resolve();
      stop.addEventListener('abort', () => resolve(), { once: true });
    });
    const transcriptions = openai.stats.requests.filter((r) => r.status === 200).length;
    console.error(`recpipe emulators: stopping (${transcriptions} transcription(s), ${notion.pages().length} Notion page(s), ${slack.messages().length} Slack message(s))`);
    return 0;
  } finally {
    await Promise.allSettled(servers.map((s) => s.close()));
  }
}
