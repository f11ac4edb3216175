import { checkSlackMessage } from './slack-message-rules.ts';
import type { SlackMessageCheck, SlackMessageContent } from './slack-message-rules.ts';

/** A message the emulator accepted. */
export interface SlackEmulatorMessage {
  /** Channel ID (what the Web API answers). */
  channel: string;
  channelName: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  markdownText?: string;
  threadTs?: string;
  via: 'api' | 'webhook';
}

export interface SlackChannel {
  id: string;
  name: string;
}

const identity = {
  url: 'https://emulated-workspace.slack.com/',
  team: 'Emulated Workspace',
  user: 'recpipe',
  team_id: 'T0000000001',
  user_id: 'U0000000001',
  bot_id: 'B0000000001',
  is_enterprise_install: false,
};

/** The emulator's state: channels, webhooks bound to channels, posted messages, the ts clock. */
export class SlackWorkspace {
  readonly channels: SlackChannel[];
  private readonly hooks = new Map<string, SlackChannel>();
  private readonly posted: SlackEmulatorMessage[] = [];
  private lastMicros = 0;

  constructor(channels: string[], webhooks?: Record<string, string>) {
    this.channels = channels.map((value, index) => {
      const name = value.replace(/^#/, '');
      return /^[CGD][A-Z0-9]{8,}$/.test(name) ? { id: name, name } : { id: `C${String(index + 1).padStart(10, '0')}`, name };
    });
    const first = this.channels[0];
    const bindings = webhooks ?? (first === undefined ? {} : { 'T0000000001/B0000000001/emulatorwebhooksecret01': first.name });
    for (const [path, channel] of Object.entries(bindings)) {
      const resolved = this.channel(channel);
      if (resolved === undefined) throw new Error(`slack emulator: webhook ${path} names unknown channel ${channel}`);
      this.hooks.set(path.replace(/^\/?(services\/)?/, ''), resolved);
    }
  }

  identity(): typeof identity {
    return { ...identity };
  }

  /** Resolves an ID, a name or a `#name` the way chat.postMessage accepts them. */
  channel(value: unknown): SlackChannel | undefined {
    if (typeof value !== 'string' || value === '') return undefined;
    const name = value.replace(/^#/, '');
    return this.channels.find((channel) => channel.id === value || channel.name === name);
  }

  webhook(path: string): SlackChannel | undefined {
    return this.hooks.get(path);
  }

  webhookPaths(): string[] {
    return [...this.hooks.keys()].map((path) => `/services/${path}`);
  }

  check(args: Record<string, unknown>): SlackMessageCheck {
    return checkSlackMessage(args);
  }

  post(channel: SlackChannel, content: SlackMessageContent, via: 'api' | 'webhook', threadTs?: unknown): SlackEmulatorMessage {
    const message: SlackEmulatorMessage = { channel: channel.id, channelName: channel.name, ts: this.nextTs(), via, ...content };
    if (typeof threadTs === 'string' && threadTs !== '') message.threadTs = threadTs;
    this.posted.push(message);
    return message;
  }

  messages(channel?: string): SlackEmulatorMessage[] {
    const wanted = channel === undefined ? undefined : this.channel(channel);
    if (channel !== undefined && wanted === undefined) return [];
    return this.posted.filter((message) => wanted === undefined || message.channel === wanted.id).map((m) => ({ ...m }));
  }

  /** The `message` object of a chat.postMessage answer. */
  wireMessage(message: SlackEmulatorMessage): Record<string, unknown> {
    const wire: Record<string, unknown> = {
      type: 'message',
      subtype: 'bot_message',
      text: message.text ?? message.markdownText ?? '',
      user: identity.user_id,
      bot_id: identity.bot_id,
      team: identity.team_id,
      ts: message.ts,
    };
    if (message.blocks !== undefined) wire.blocks = message.blocks;
    if (message.attachments !== undefined) wire.attachments = message.attachments;
    if (message.threadTs !== undefined) wire.thread_ts = message.threadTs;
    return wire;
  }

  /** `ts` is seconds with six decimals; strictly increasing, so unique in every channel. */
  private nextTs(): string {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    const seconds = Math.floor(this.lastMicros / 1_000_000);
    const micros = this.lastMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }
}
