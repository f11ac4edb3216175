import { APIResponseError, Client, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKEN, startNotion, type NotionKit } from './notion-test-kit.ts';

let kit: NotionKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

function sdk(k: NotionKit, options: Partial<ConstructorParameters<typeof Client>[0]> = {}): Client {
  return new Client({ auth: TOKEN, baseUrl: k.server.url, retry: false, logLevel: undefined, logger: () => {}, ...options });
}

async function apiError(promise: Promise<unknown>): Promise<APIResponseError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!APIResponseError.isAPIResponseError(error)) throw new Error(`expected an APIResponseError, got ${String(error)}`);
  return error;
}

const title = (content: string) => ({ title: [{ text: { content } }] });
const paragraph = (content: string) => ({ paragraph: { rich_text: [{ text: { content } }] } });

describe('Notion emulator wire contract (2025-09-03), through @notionhq/client', () => {
  it('checks auth and Notion-Version with Notion error bodies and request ids', async () => {
    kit = await startNotion();
    const raw = await fetch(`${kit.server.url}/v1/users/me`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await raw.json()) as Record<string, unknown>;
    expect(raw.status).toBe(400);
    expect(Object.keys(body)).toEqual(['object', 'status', 'code', 'message', 'request_id']);
    expect(body).toMatchObject({ object: 'error', status: 400, code: 'missing_version' });
    expect(raw.headers.get('x-notion-request-id')).toBe(body.request_id);

    const unauthorized = await apiError(sdk(kit, { auth: 'ntn_nope' }).users.me({}));
    expect([unauthorized.status, unauthorized.code, unauthorized.message]).toEqual([401, 'unauthorized', 'API token is invalid.']);
    const me = await sdk(kit).users.me({});
    expect(me).toMatchObject({ object: 'user', type: 'bot' });
  });

  it('serves the database with its data sources and the data source with its schema', async () => {
    kit = await startNotion();
    const client = sdk(kit);
    const database = await client.databases.retrieve({ database_id: kit.databaseId.replace(/-/g, '') });
    expect(database).toMatchObject({ object: 'database', id: kit.databaseId, data_sources: [{ id: kit.dataSourceId, name: 'Call transcripts' }], archived: false, in_trash: false });
    const dataSource = await client.dataSources.retrieve({ data_source_id: kit.dataSourceId });
    expect(dataSource).toMatchObject({ object: 'data_source', parent: { type: 'database_id', database_id: kit.databaseId } });
    expect('properties' in dataSource && dataSource.properties.Name).toEqual({ id: 'title', name: 'Name', type: 'title', description: null, title: {} });
    const missing = await apiError(client.databases.retrieve({ database_id: '0'.repeat(32) }));
    expect([missing.status, missing.code]).toEqual([404, 'object_not_found']);
  });

  it('validates page properties strictly against the schema', async () => {
    kit = await startNotion();
    const client = sdk(kit);
    const parent = { type: 'data_source_id' as const, data_source_id: kit.dataSourceId };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ Name: title('x'), Nope: { rich_text: [] } }, /^Nope is not a property that exists\.$/],
      [{ Name: title('x'), 'Duration (s)': { rich_text: [] } }, /^Duration \(s\) is expected to be number\.$/],
      [{ Name: title('x'), 'Duration (s)': { number: 'long' } }, /body\.properties\.Duration \(s\)\.number should be a number/],
      [{ 'Recording ID': { rich_text: [] } }, /body\.properties\.Name\.title should be defined/],
      [{ Name: title('x'), 'Call Time': { date: { start: 'yesterday' } } }, /Call Time\.date\.start should be a valid ISO 8601 date/],
      [{ Name: title('x'), Campaign: { select: { name: 'a,b' } } }, /commas not allowed/],
      [{ Name: { title: Array.from({ length: 101 }, () => ({ text: { content: 'x' } })) } }, /body\.properties\.Name\.title\.length should be ≤ `100`, instead was `101`/],
      [{ Name: title('x'.repeat(2001)) }, /body\.properties\.Name\.title\[0\]\.text\.content\.length should be ≤ `2000`, instead was `2001`/],
    ];
    for (const [properties, message] of cases) {
      const error = await apiError(client.pages.create({ parent, properties: properties as never }));
      expect([error.status, error.code]).toEqual([400, 'validation_error']);
      expect(error.message).toMatch(message);
    }
    expect(kit.emulator.pages()).toHaveLength(0);

    const page = await client.pages.create({ parent, properties: { Name: title('ok'), Campaign: { select: { name: 'Renewals' } }, 'Duration (s)': { number: 12.5 } } });
    expect(page).toMatchObject({ object: 'page', parent: { type: 'data_source_id', data_source_id: kit.dataSourceId, database_id: kit.databaseId } });
    const schema = await client.dataSources.retrieve({ data_source_id: kit.dataSourceId });
    const campaign = 'properties' in schema ? schema.properties.Campaign : undefined;
    expect(campaign?.type === 'select' && campaign.select.options.map((o) => o.name)).toEqual(['Renewals']);
    // a database parent still works while the database has a single data source
    await client.pages.create({ parent: { database_id: kit.databaseId }, properties: { Name: title('via database') } });
    expect(kit.emulator.pages().map((p) => p.properties.Name)).toEqual(['ok', 'via database']);
  });

  it('enforces the children limits: 100 blocks, 2000 characters, nesting, 500 KB, valid JSON', async () => {
    kit = await startNotion();
    const client = sdk(kit);
    const parent = { type: 'data_source_id' as const, data_source_id: kit.dataSourceId };
    const tooMany = await apiError(client.pages.create({ parent, properties: { Name: title('x') }, children: Array.from({ length: 101 }, () => paragraph('x')) }));
    expect(tooMany.message).toBe('body failed validation: body.children.length should be ≤ `100`, instead was `101`.');
    const tooLong = await apiError(client.pages.create({ parent, properties: { Name: title('x') }, children: [paragraph('ok'), paragraph('y'.repeat(2345))] }));
    expect(tooLong.message).toBe('body failed validation: body.children[1].paragraph.rich_text[0].text.content.length should be ≤ `2000`, instead was `2345`.');
    const grandchild = { toggle: { rich_text: [], children: [{ toggle: { rich_text: [], children: [{ toggle: { rich_text: [], children: [paragraph('deep')] } }] } }] } };
    const nested = await apiError(client.pages.create({ parent, properties: { Name: title('x') }, children: [grandchild as never] }));
    expect(nested.message).toMatch(/at most 2 levels of nesting/);

    const url = `${kit.server.url}/v1/pages`;
    const headers = { authorization: `Bearer ${TOKEN}`, 'notion-version': '2025-09-03', 'content-type': 'application/json' };
    const big = JSON.stringify({ parent, properties: { Name: title('x') }, children: Array.from({ length: 90 }, () => ({ paragraph: { rich_text: Array.from({ length: 3 }, () => ({ text: { content: '语'.repeat(2000) } })) } })) });
    const tooBig = await fetch(url, { method: 'POST', headers, body: big });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.json()).toMatchObject({ code: 'validation_error', message: expect.stringMatching(/Request body too large/) });
    const broken = await fetch(url, { method: 'POST', headers, body: '{"parent":' });
    expect(await broken.json()).toMatchObject({ status: 400, code: 'invalid_json', message: 'Error parsing JSON body.' });
    expect(kit.emulator.pages()).toHaveLength(0);
  });

  it('queries with no body, rich_text/number filters and cursor pagination', async () => {
    kit = await startNotion();
    const client = sdk(kit);
    for (let i = 0; i < 5; i++) {
      await client.pages.create({ parent: { type: 'data_source_id', data_source_id: kit.dataSourceId }, properties: { Name: title(`p${i}`), 'Recording ID': { rich_text: [{ text: { content: `rec-${i}` } }] }, 'Duration (s)': { number: i * 10 } } });
    }
    const all = await client.dataSources.query({ data_source_id: kit.dataSourceId });
    expect(all).toMatchObject({ object: 'list', type: 'page_or_data_source', has_more: false, next_cursor: null });
    expect(all.results).toHaveLength(5);
    // SDK 5.26 sends `{}` here (its pick() keeps undefined keys); trap 9 describes a bare POST with
    // no body and no content-type, which other clients send: both must work
    expect(kit.emulator.requests.at(-1)).toMatchObject({ method: 'POST', status: 200, bytes: 2 });
    const bare = await fetch(`${kit.server.url}/v1/data_sources/${kit.dataSourceId}/query`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'notion-version': '2025-09-03' } });
    expect(bare.status).toBe(200);
    expect(((await bare.json()) as { results: unknown[] }).results).toHaveLength(5);
    expect(kit.emulator.requests.at(-1)).toMatchObject({ method: 'POST', status: 200, bytes: 0 });

    const one = await client.dataSources.query({ data_source_id: kit.dataSourceId, filter: { property: 'Recording ID', rich_text: { equals: 'rec-3' } }, page_size: 1 });
    expect(one.results.map((r) => r.id)).toEqual([kit.emulator.pages()[3]!.id]);
    const between = await client.dataSources.query({ data_source_id: kit.dataSourceId, filter: { and: [{ property: 'Duration (s)', number: { greater_than: 5 } }, { property: 'Duration (s)', number: { less_than: 35 } }] } });
    expect(between.results).toHaveLength(3);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.dataSources.query({ data_source_id: kit.dataSourceId, page_size: 2, start_cursor: cursor });
      seen.push(...page.results.map((r) => r.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
    expect(new Set(seen).size).toBe(5);
    const oversize = await apiError(client.dataSources.query({ data_source_id: kit.dataSourceId, page_size: 101 }));
    expect(oversize.message).toBe('body failed validation: body.page_size should be ≤ `100`, instead was `101`.');
    const unknown = await apiError(client.dataSources.query({ data_source_id: kit.dataSourceId, filter: { property: 'Nope', rich_text: { equals: 'x' } } }));
    expect(unknown.code).toBe('validation_error');
  });

  it('appends children in order (or after a block) and lists them page by page', async () => {
    kit = await startNotion();
    const client = sdk(kit);
    const page = await client.pages.create({ parent: { type: 'data_source_id', data_source_id: kit.dataSourceId }, properties: { Name: title('body') }, children: [paragraph('one'), paragraph('three')] });
    const listed = await client.blocks.children.list({ block_id: page.id });
    const appended = await client.blocks.children.append({ block_id: page.id, children: [paragraph('two')], after: listed.results[0]!.id });
    expect(appended).toMatchObject({ object: 'list', type: 'block', results: [{ object: 'block', type: 'paragraph', has_children: false }] });
    await client.blocks.children.append({ block_id: page.id, children: Array.from({ length: 100 }, (_, i) => paragraph(`n${i}`)) });
    expect(kit.emulator.pages()[0]!.blocks.slice(0, 4).map((b) => b.text)).toEqual(['one', 'two', 'three', 'n0']);
    const first = await client.blocks.children.list({ block_id: page.id, page_size: 100 });
    const second = await client.blocks.children.list({ block_id: page.id, start_cursor: first.next_cursor ?? undefined });
    expect([first.results.length, first.has_more, second.results.length, second.has_more]).toEqual([100, true, 3, false]);
    const tooMany = await apiError(client.blocks.children.append({ block_id: page.id, children: Array.from({ length: 101 }, () => paragraph('x')) }));
    expect(tooMany.code).toBe('validation_error');
    const badSize = await apiError(client.blocks.children.list({ block_id: page.id, page_size: 101 }));
    expect(badSize.code).toBe('validation_error');

    const next = sdk(kit, { notionVersion: '2026-03-11' });
    const rejected = await apiError(next.blocks.children.append({ block_id: page.id, children: [paragraph('x')], after: listed.results[0]!.id }));
    expect(rejected.message).toMatch(/body\.after should be undefined in API version 2026-03-11/);
    const positioned = await next.blocks.children.append({ block_id: page.id, children: [paragraph('zero-and-a-half')], position: { type: 'after_block', after_block: { id: listed.results[0]!.id } } });
    expect(positioned.results[0]).not.toHaveProperty('archived');
    expect(kit.emulator.pages()[0]!.blocks[1]!.text).toBe('zero-and-a-half');
  });

  it('updates a data source schema: add, rename, remove, but never the title', async () => {
    kit = await startNotion({ schema: 'empty' });
    const client = sdk(kit);
    const updated = await client.dataSources.update({ data_source_id: kit.dataSourceId, properties: { Score: { number: { format: 'percent' } }, Notes: { rich_text: {} } } });
    expect('properties' in updated && updated.properties.Score).toMatchObject({ type: 'number', number: { format: 'percent' } });
    const renamed = await client.dataSources.update({ data_source_id: kit.dataSourceId, properties: { Notes: { name: 'Summary' }, Score: null } });
    expect('properties' in renamed && Object.keys(renamed.properties).sort()).toEqual(['Name', 'Summary']);
    const title = await apiError(client.dataSources.update({ data_source_id: kit.dataSourceId, properties: { Name: null } }));
    expect(title.code).toBe('validation_error');
  });

  it('rate-limits with 429 rate_limited and an integer Retry-After, which the SDK honours', async () => {
    kit = await startNotion({ requestsPerSecond: 2, burst: 1 });
    await sdk(kit).users.me({});
    const limited = await apiError(sdk(kit).users.me({}));
    expect([limited.status, limited.code]).toEqual([429, 'rate_limited']);
    expect(limited.headers instanceof Headers && limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.additional_data).toEqual({ rate_limit_reason: 'public_api_request_rate_limit' });
    await expect(sdk(kit, { retry: { maxRetries: 2, maxRetryDelayMs: 2_000 } }).users.me({})).resolves.toMatchObject({ object: 'user' });
  });

  it('injects faults: 529, a 502 from a proxy after the write, and slow answers', async () => {
    kit = await startNotion();
    const client = sdk(kit);
    kit.emulator.faults.enqueue({ status: 529, retryAfter: 2 });
    const overload = await apiError(client.users.me({}));
    expect([overload.status, overload.code, overload.headers instanceof Headers && overload.headers.get('retry-after')]).toEqual([529, 'service_overload', '2']);

    kit.emulator.faults.enqueue({ status: 502, after: true, method: 'POST', path: '/v1/pages' });
    const proxy = await client.pages.create({ parent: { type: 'data_source_id', data_source_id: kit.dataSourceId }, properties: { Name: title('landed') } }).catch((e: unknown) => e);
    expect(UnknownHTTPResponseError.isUnknownHTTPResponseError(proxy) && proxy.status).toBe(502);
    expect(kit.emulator.pages().map((p) => p.properties.Name)).toEqual(['landed']);

    kit.emulator.faults.delayMs = 400;
    await expect(sdk(kit, { timeoutMs: 100 }).users.me({})).rejects.toBeInstanceOf(RequestTimeoutError);
    kit.emulator.faults.delayMs = 0;

    const listing = (await (await fetch(`${kit.server.url}/_emulator/pages`)).json()) as { pages: Array<{ properties: Record<string, unknown> }> };
    expect(listing.pages.map((p) => p.properties.Name)).toEqual(['landed']);
  });
});
