import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientStatus } from '../../src/classify-http-failure.ts';
import { ClassifiedError, PermanentError, ServiceError, TransientError } from '../../src/errors.ts';
import { NotionApi } from '../../src/publish/notion/notion-api.ts';
import { RateLimiter } from '../../src/publish/notion/rate-limiter.ts';
import { WebApiTransport } from '../../src/publish/slack/slack-web-api-transport.ts';
import { WebhookTransport } from '../../src/publish/slack/slack-webhook-transport.ts';
import { classifyOpenAiError } from '../../src/transcribe/classify-openai-error.ts';
import { freePort } from '../helpers/free-port.ts';

// One real HTTP server answers whatever status the test sets; each adapter reaches it through its
// real SDK (openai, @notionhq/client, @slack/web-api) or plain fetch (the Slack webhook), and the
// verdicts must agree: the status map is one, whichever system answered.

interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** `html`: a proxy's error page instead of the vendor's JSON. */
  body?: 'json' | 'html';
  /** Drop the connection instead of answering. */
  hangUp?: boolean;
}

let answer: Answer = { status: 200 };
let server: Server;
let base: string;

function respond(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  if (answer.hangUp) {
    request.socket.destroy();
    return;
  }
  const html = answer.body === 'html';
  const json = {
    // OpenAI's shape, Notion's shape and Slack's `ok` in one body: each SDK reads its own fields
    error: { message: `answered ${answer.status}`, type: 'server_error', code: null },
    object: 'error',
    status: answer.status,
    code: answer.status === 429 ? 'rate_limited' : answer.status === 409 ? 'conflict_error' : answer.status >= 500 ? 'internal_server_error' : 'validation_error',
    message: `answered ${answer.status}`,
    ok: false,
  };
  response.writeHead(answer.status, {
    'content-type': html ? 'text/html' : 'application/json',
    'x-request-id': 'req_table',
    ...(answer.headers ?? {}),
  });
  response.end(html ? '<html><body>Bad gateway</body></html>' : JSON.stringify(json));
}

beforeAll(async () => {
  server = createServer(respond);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const silent = pino({ level: 'silent' });

/** Each adapter, called once against the server; returns what it threw. */
const adapters: Record<string, (origin: string) => Promise<unknown>> = {
  openai: async (origin) => {
    const client = new OpenAI({ apiKey: 'sk-test-0123456789', baseURL: `${origin}/v1`, maxRetries: 0, timeout: 5000 });
    return client.models.retrieve('whisper-1').then(
      () => undefined,
      (error: unknown) => classifyOpenAiError(error, { timeoutMs: 5000, apiKey: 'sk-test-0123456789' }),
    );
  },
  notion: async (origin) => {
    const api = new NotionApi({ token: 'secret_test', baseUrl: origin, timeoutMs: 5000, limiter: new RateLimiter(1000), throttleRetries: 0 });
    return api.call('retrieve page', (client) => client.pages.retrieve({ page_id: '00000000000000000000000000000001' })).then(() => undefined, (error: unknown) => error);
  },
  'slack web api': async (origin) => {
    const transport = new WebApiTransport({ token: 'xoxb-test', channel: 'C1', apiUrl: `${origin}/api/`, timeoutMs: 5000, logger: silent });
    return transport.send({ text: 'hi', blocks: [] }, new AbortController().signal).then(() => undefined, (error: unknown) => error);
  },
  'slack webhook': async (origin) => {
    const transport = new WebhookTransport({ url: `${origin}/services/T0/B0/x`, timeoutMs: 5000 });
    return transport.send({ text: 'hi', blocks: [] }, new AbortController().signal).then(() => undefined, (error: unknown) => error);
  },
};

async function verdicts(next: Answer): Promise<Record<string, unknown>> {
  answer = next;
  const out: Record<string, unknown> = {};
  for (const [name, call] of Object.entries(adapters)) out[name] = await call(base);
  return out;
}

// 401/403 are left out of the table: OpenAI and Notion call a rejected key service-level (below)
const STATUSES = [400, 404, 405, 408, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504, 520, 529];

describe('one status map across OpenAI, Notion, the Slack Web API and the Slack webhook', () => {
  it.each(STATUSES)('HTTP %i gets the same verdict from every adapter', async (status) => {
    const expected = isTransientStatus(status) ? TransientError : PermanentError;
    for (const [name, error] of Object.entries(await verdicts({ status }))) {
      expect(error, `${name} on ${status}`).toBeInstanceOf(expected);
      expect(error, name).toBeInstanceOf(ClassifiedError);
      // the Slack SDK turns 429 into its own rate-limit error, with no status to hand over; 429 is what it means
      expect((error as ClassifiedError).status, name).toBe(status);
      expect((error as ClassifiedError).system, name).toBe(name.startsWith('slack') ? 'slack' : name);
    }
  });

  it('the Slack webhook now retries a 409, as every other adapter does', async () => {
    const { 'slack webhook': webhook } = await verdicts({ status: 409, body: 'html' });
    expect(webhook).toBeInstanceOf(TransientError);
  });

  it('a proxy error page (not the vendor JSON) is classified by its status alone', async () => {
    for (const status of [400, 502, 503]) {
      const got = await verdicts({ status, body: 'html' });
      for (const [name, error] of Object.entries(got)) expect(error, `${name} ${status}`).toBeInstanceOf(isTransientStatus(status) ? TransientError : PermanentError);
    }
  });

  it('Retry-After is read once and reaches every adapter as retryAfterMs', async () => {
    for (const status of [429, 503]) {
      const got = await verdicts({ status, headers: { 'retry-after': '2' } });
      for (const [name, error] of Object.entries(got)) expect((error as TransientError).retryAfterMs, `${name} ${status}`).toBe(2000);
    }
  });

  it('a rejected key pauses the service for OpenAI and Notion, and is permanent for Slack', async () => {
    const got = await verdicts({ status: 401 });
    expect(got.openai).toBeInstanceOf(ServiceError);
    expect(got.notion).toBeInstanceOf(ServiceError);
    expect(got['slack web api']).toBeInstanceOf(PermanentError);
    expect(got['slack webhook']).toBeInstanceOf(PermanentError);
  });

  it('a dropped connection is transient everywhere', async () => {
    for (const [name, error] of Object.entries(await verdicts({ status: 200, hangUp: true }))) {
      expect(error, name).toBeInstanceOf(TransientError);
    }
  });

  it('nothing listening: OpenAI calls it service-level (unreachable), the others transient', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const got: Record<string, unknown> = {};
    for (const [name, call] of Object.entries(adapters)) got[name] = await call(closed);
    expect(got.openai).toBeInstanceOf(ServiceError);
    expect((got.openai as ServiceError).reason).toBe('unreachable (ECONNREFUSED)');
    for (const name of ['notion', 'slack web api', 'slack webhook']) expect(got[name], name).toBeInstanceOf(TransientError);
  });
});
