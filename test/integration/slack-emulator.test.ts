import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import type { WebAPIPlatformError } from '@slack/web-api';
import { createSlackEmulator } from '../../src/emulators/slack-emulator.ts';
import type { RunningSlackEmulator, SlackEmulator, SlackEmulatorOptions } from '../../src/emulators/slack-emulator.ts';

const token = 'xoxb-test-token';
let running: RunningSlackEmulator | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: SlackEmulatorOptions = {}): Promise<{ emulator: SlackEmulator; server: RunningSlackEmulator }> {
  const emulator = createSlackEmulator({ token, channels: ['alerts', 'C0ABCDEF123'], ...options });
  running = await emulator.start();
  return { emulator, server: running };
}

function client(server: RunningSlackEmulator, withToken = token): WebClient {
  return new WebClient(withToken, { slackApiUrl: server.apiUrl, retryConfig: { retries: 0 }, timeout: 5000, logLevel: LogLevel.ERROR });
}

async function platformError(promise: Promise<unknown>): Promise<WebAPIPlatformError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect((error as { code?: string }).code).toBe(ErrorCode.PlatformError);
  return error as WebAPIPlatformError;
}

describe('slack emulator: chat.postMessage through @slack/web-api (form-urlencoded)', () => {
  it('posts by channel name, answers the channel ID, a Slack-shaped ts and the message', async () => {
    const { emulator, server } = await start();
    const web = client(server);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Call 1042*' } }];
    const first = await web.chat.postMessage({ channel: '#alerts', text: 'New transcript', blocks });
    const second = await web.chat.postMessage({ channel: 'alerts', text: 'second' });

    expect(first.ok).toBe(true);
    expect(first.channel).toBe(emulator.channels[0]?.id);
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message).toMatchObject({ type: 'message', subtype: 'bot_message', text: 'New transcript', ts: first.ts, blocks });

    expect(emulator.requests[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(emulator.messages('alerts').map((m) => [m.text, m.via])).toEqual([['New transcript', 'api'], ['second', 'api']]);
    expect(emulator.messages()[0]?.blocks).toEqual(blocks);
  });

  it('answers auth.test', async () => {
    const { server } = await start();
    const result = await client(server).auth.test();
    expect(result).toMatchObject({ ok: true, user: 'recpipe', team_id: 'T0000000001' });
  });

  it('answers HTTP 200 ok:false for auth, channel and content errors', async () => {
    const { emulator, server } = await start();
    const web = client(server);
    expect((await platformError(client(server, 'xoxb-wrong').auth.test())).data.error).toBe('invalid_auth');
    expect((await platformError(web.chat.postMessage({ channel: 'nope', text: 'x' }))).data.error).toBe('channel_not_found');
    expect((await platformError(web.chat.postMessage({ channel: 'alerts', text: '' }))).data.error).toBe('no_text');
    expect((await platformError(web.chat.postMessage({ channel: 'alerts', text: 'x'.repeat(40_001) }))).data.error).toBe('msg_too_long');
    const long = [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }];
    const tooLong = await platformError(web.chat.postMessage({ channel: 'alerts', text: 'x', blocks: long }));
    expect(tooLong.data).toMatchObject({
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    });
    expect(emulator.requests.every((r) => r.status === 200)).toBe(true);
    expect(emulator.messages()).toEqual([]);
  });

  it('rejects more than 50 blocks with invalid_blocks and its errors list', async () => {
    const { server } = await start();
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const error = await platformError(client(server).chat.postMessage({ channel: 'alerts', text: 'x', blocks }));
    expect(error.data).toMatchObject({
      error: 'invalid_blocks',
      errors: ['no more than 50 items allowed [json-pointer:/blocks]'],
      response_metadata: { messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] },
    });
  });
});

describe('slack emulator: raw wire encodings', () => {
  it('accepts JSON bodies with the bearer header, warning on a missing charset', async () => {
    const { emulator, server } = await start();
    const blocks = [{ type: 'divider' }];
    const post = (contentType: string) =>
      fetch(`${server.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body: JSON.stringify({ channel: 'C0ABCDEF123', text: 'json body', blocks }),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(await post('application/json; charset=utf-8')).toMatchObject({ ok: true, channel: 'C0ABCDEF123' });
    expect(await post('application/json')).toMatchObject({ ok: true, warning: 'missing_charset' });
    expect(emulator.messages('C0ABCDEF123')[0]).toMatchObject({ text: 'json body', blocks });
  });

  it('takes the token from a form field but not from a JSON body', async () => {
    const { server } = await start();
    const form = new URLSearchParams({ token, channel: 'alerts', text: 'form token' });
    const viaForm = await fetch(`${server.apiUrl}chat.postMessage`, { method: 'POST', body: form });
    expect(await viaForm.json()).toMatchObject({ ok: true });
    const viaJson = await fetch(`${server.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ token, channel: 'alerts', text: 'json token' }),
    });
    expect(await viaJson.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('answers 429 ratelimited with Retry-After past the per-channel burst', async () => {
    const { emulator, server } = await start({ messagesPerSecondPerChannel: 1, burstPerChannel: 2 });
    const post = () =>
      fetch(`${server.apiUrl}chat.postMessage`, { method: 'POST', body: new URLSearchParams({ token, channel: 'alerts', text: 'hi' }) });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
    // The limit is per channel: another channel still posts.
    const other = await fetch(`${server.apiUrl}chat.postMessage`, {
      method: 'POST',
      body: new URLSearchParams({ token, channel: 'C0ABCDEF123', text: 'hi' }),
    });
    expect(other.status).toBe(200);
    expect(emulator.messages()).toHaveLength(3);
  });

  it('injects faults: queued statuses, then down', async () => {
    const { emulator, server } = await start();
    const web = client(server);
    emulator.faults.enqueue({ status: 500, target: 'chat.postMessage' });
    const http = await web.chat.postMessage({ channel: 'alerts', text: 'x' }).catch((e: unknown) => e);
    expect(http).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    emulator.faults.enqueue({ status: 200, error: 'not_in_channel' });
    expect((await platformError(web.chat.postMessage({ channel: 'alerts', text: 'x' }))).data.error).toBe('not_in_channel');
    emulator.faults.down = true;
    expect(await web.auth.test().catch((e: unknown) => e)).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    emulator.faults.down = false;
    await expect(web.chat.postMessage({ channel: 'alerts', text: 'back' })).resolves.toMatchObject({ ok: true });
    expect(emulator.requests.map((r) => r.status)).toEqual([500, 200, 503, 200]);
  });
});

describe('slack emulator: incoming webhook', () => {
  it('answers plain-text ok and plain-text errors with real statuses', async () => {
    const { emulator, server } = await start();
    const post = (url: string, body: string, contentType = 'application/json') =>
      fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

    const ok = await post(server.webhookUrl, JSON.stringify({ text: 'via hook' }));
    expect([ok.status, ok.headers.get('content-type'), await ok.text()]).toEqual([200, 'text/plain; charset=utf-8', 'ok']);
    const legacy = await post(server.webhookUrl, new URLSearchParams({ payload: '{"text":"legacy"}' }).toString(), 'application/x-www-form-urlencoded');
    expect(await legacy.text()).toBe('ok');

    const unknown = await post(`${server.url}/services/T1/B1/nope`, JSON.stringify({ text: 'x' }));
    expect([unknown.status, await unknown.text()]).toEqual([404, 'no_service']);
    const bad = await post(server.webhookUrl, '{not json');
    expect([bad.status, await bad.text()]).toEqual([400, 'invalid_payload']);
    const empty = await post(server.webhookUrl, JSON.stringify({ text: '' }));
    expect([empty.status, await empty.text()]).toEqual([400, 'no_text']);

    emulator.faults.enqueue({ status: 429, retryAfter: 2, target: 'webhook' });
    const limited = await post(server.webhookUrl, JSON.stringify({ text: 'x' }));
    expect([limited.status, limited.headers.get('retry-after'), await limited.text()]).toEqual([429, '2', 'rate_limited']);

    expect(emulator.messages().map((m) => [m.text, m.via, m.channelName])).toEqual([
      ['via hook', 'webhook', 'alerts'],
      ['legacy', 'webhook', 'alerts'],
    ]);
  });
});
