import { Hono } from 'hono';
import type { Context } from 'hono';
import { serveApp } from '../http/serve-app.ts';
import type { ServedApp } from '../http/serve-app.ts';
import { SlackFaults, defaultFaultError } from './slack-faults.ts';
import type { SlackFault } from './slack-faults.ts';
import { SlackRateLimiter } from './slack-rate-limiter.ts';
import { readSlackRequestBody } from './slack-request-body.ts';
import { SlackWorkspace } from './slack-workspace.ts';
import type { SlackEmulatorMessage } from './slack-workspace.ts';
import { webhookAnswer } from './slack-webhook-answer.ts';
import type { WebhookAnswer } from './slack-webhook-answer.ts';

export type { SlackEmulatorMessage } from './slack-workspace.ts';

export interface SlackEmulatorOptions {
  /** The only valid token; unset accepts any `xox…` token. */
  token?: string;
  /** Sustained chat.postMessage rate per channel (default 1, Slack's special tier); 0 turns it off. */
  messagesPerSecondPerChannel?: number;
  /** Messages a quiet channel accepts at once before 429s start (default 3). */
  burstPerChannel?: number;
  /** Channel names (`alerts`, `#alerts`) or IDs (`C0123456789`); default `['alerts']`. */
  channels?: string[];
  /** Incoming webhooks: `T…/B…/secret` → channel; default one hook for the first channel. */
  webhooks?: Record<string, string>;
}

/** One request as the emulator saw it (never the token). */
export interface SlackEmulatorRequest {
  at: number;
  /** `chat.postMessage`, `auth.test`, another method name, or `webhook`. */
  route: string;
  contentType: string | null;
  status: number;
  /** The error code (Web API) or plain-text error body (webhook) answered, if any. */
  error?: string;
}

export interface RunningSlackEmulator extends ServedApp {
  /** Base for WebClient's `slackApiUrl`: `<url>/api/`. */
  apiUrl: string;
  /** The first configured incoming webhook. */
  webhookUrl: string;
}

export interface SlackEmulator {
  app: Hono;
  faults: SlackFaults;
  /** Every request answered, in order. */
  requests: SlackEmulatorRequest[];
  /** Channels as `{ id, name }`; the Web API answers with the ID. */
  channels: ReadonlyArray<{ id: string; name: string }>;
  /** Paths of the configured webhooks, `/services/T…/B…/secret`. */
  webhookPaths: string[];
  /** Messages that were posted, optionally for one channel (ID or name). */
  messages(channel?: string): SlackEmulatorMessage[];
  start(options?: { port?: number }): Promise<RunningSlackEmulator>;
}

/** Logged (nginx's 499) when the client disconnected before the emulator answered. */
const clientClosed: SlackFault = { status: 499, error: 'client_closed_request' };

type Answer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

/** A wire-level emulator of Slack's `chat.postMessage`, `auth.test` and incoming webhooks. */
export function createSlackEmulator(options: SlackEmulatorOptions = {}): SlackEmulator {
  const faults = new SlackFaults();
  const workspace = new SlackWorkspace(options.channels ?? ['alerts'], options.webhooks);
  const limiter = new SlackRateLimiter(options.messagesPerSecondPerChannel ?? 1, options.burstPerChannel ?? 3);
  const requests: SlackEmulatorRequest[] = [];
  const pending = new Set<() => void>();
  const app = new Hono();

  const pause = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        pending.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pending.add(done);
      signal.addEventListener('abort', done, { once: true });
    });

  const log = (c: Context, route: string, status: number, error?: string): void => {
    const entry: SlackEmulatorRequest = { at: Date.now(), route, contentType: c.req.header('content-type') ?? null, status };
    if (error !== undefined) entry.error = error;
    requests.push(entry);
  };

  /**
   * The injected answer for this request, if any, after the configured delays. A client that
   * gave up during the delay gets `clientClosed`: the delay stands for a slow network in front
   * of Slack, so the request is never processed (no message appears later).
   */
  const injected = async (c: Context, route: string): Promise<SlackFault | undefined> => {
    const signal = c.req.raw.signal;
    await pause(faults.delayMs, signal);
    if (signal.aborted) return clientClosed;
    if (faults.down) return { status: faults.downStatus };
    const fault = faults.take(route);
    if (fault?.delayMs !== undefined) await pause(fault.delayMs, signal);
    return signal.aborted ? clientClosed : fault;
  };

  app.post('/api/:method', async (c) => {
    const method = c.req.param('method');
    const answer = await answerApi(c, method);
    const error = answer.body.ok === false ? String(answer.body.error) : undefined;
    log(c, method, answer.status, error);
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...answer.headers },
    });
  });

  async function answerApi(c: Context, method: string): Promise<Answer> {
    const fault = await injected(c, method);
    if (fault !== undefined) return faultAnswer(fault);
    if (method !== 'auth.test' && method !== 'chat.postMessage') return fail('unknown_method');
    const body = await readSlackRequestBody(c.req.raw);
    if (!body.ok) return fail(body.error);
    if (body.token === undefined) return fail('not_authed');
    if (options.token !== undefined ? body.token !== options.token : !body.token.startsWith('xox')) {
      return fail('invalid_auth');
    }
    const warnings = body.missingCharset ? { warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } } : {};
    if (method === 'auth.test') return { status: 200, body: { ok: true, ...workspace.identity(), ...warnings } };

    const scopes = { 'x-oauth-scopes': 'chat:write', 'x-accepted-oauth-scopes': 'chat:write' };
    const channel = workspace.channel(body.args.channel);
    if (channel === undefined) return { ...fail('channel_not_found'), headers: scopes };
    const checked = workspace.check(body.args);
    if (!checked.ok) {
      const details = checked.errors === undefined ? {} : {
        errors: checked.errors,
        response_metadata: { messages: checked.errors.map((e) => `[ERROR] ${e}`) },
      };
      return { status: 200, body: { ok: false, error: checked.error, ...details }, headers: scopes };
    }
    const slot = limiter.take(channel.id);
    if (!slot.allowed) return rateLimited(slot.retryAfterSeconds);
    const message = workspace.post(channel, checked.content, 'api', body.args.thread_ts);
    return {
      status: 200,
      headers: scopes,
      body: { ok: true, channel: channel.id, ts: message.ts, message: workspace.wireMessage(message), ...warnings },
    };
  }

  app.post('/services/:team/:hook/:secret', async (c) => {
    const route = 'webhook';
    const fault = await injected(c, route);
    const answer = fault !== undefined
      ? webhookFaultAnswer(fault)
      : await webhookAnswer(c.req.raw, `${c.req.param('team')}/${c.req.param('hook')}/${c.req.param('secret')}`, workspace, limiter);
    log(c, route, answer.status, answer.status === 200 ? undefined : answer.text);
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
    if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
    return new Response(answer.text, { status: answer.status, headers });
  });

  return {
    app,
    faults,
    requests,
    channels: workspace.channels,
    webhookPaths: workspace.webhookPaths(),
    messages: (channel) => workspace.messages(channel),
    async start(startOptions = {}) {
      const served = await serveApp(app, startOptions);
      const firstHook = workspace.webhookPaths()[0] ?? '/services/none';
      return {
        ...served,
        apiUrl: `${served.url}/api/`,
        webhookUrl: `${served.url}${firstHook}`,
        close: async () => {
          for (const release of [...pending]) release();
          await served.close();
        },
      };
    },
  };
}

function fail(error: string): Answer {
  return { status: 200, body: { ok: false, error } };
}

function rateLimited(retryAfterSeconds: number): Answer {
  return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(retryAfterSeconds) } };
}

function faultAnswer(fault: SlackFault): Answer {
  if (fault.status === 429) return rateLimited(fault.retryAfter ?? 1);
  return { status: fault.status, body: { ok: false, error: fault.error ?? defaultFaultError(fault.status, 'api') } };
}

function webhookFaultAnswer(fault: SlackFault): WebhookAnswer {
  // Webhooks have no `ok:false` envelope: an injected 200 error still needs a failing status.
  const status = fault.status === 200 ? 500 : fault.status;
  const answer: WebhookAnswer = { status, text: fault.error ?? defaultFaultError(status, 'webhook') };
  if (status === 429) answer.retryAfter = fault.retryAfter ?? 1;
  return answer;
}
