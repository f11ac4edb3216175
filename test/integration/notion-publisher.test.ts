import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, ServiceError, TransientError } from '../../src/errors.ts';
import { NotionPublisher } from '../../src/publish/notion/notion-publisher.ts';
import { transcriptBlocks } from '../../src/publish/notion/transcript-blocks.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
import { CheckpointMemory, TOKEN, firstDifference, longSegments, makeDoc, publishWithRetry, startNotion, type NotionKit } from './notion-test-kit.ts';

let kit: NotionKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

function publisherFor(k: NotionKit, options: Partial<ConstructorParameters<typeof NotionPublisher>[0]> = {}): NotionPublisher {
  return new NotionPublisher({ token: TOKEN, databaseId: k.databaseId, baseUrl: k.server.url, metrics: k.metrics, requestsPerSecond: 50, ...options });
}

/** The body text the page must end up with: every block's text, in order. */
function expectedText(doc: TranscriptDocument): string {
  return transcriptBlocks(doc)
    .map((b) => ('paragraph' in b && b.paragraph ? b.paragraph.rich_text.map((r) => ('text' in r && r.text ? r.text.content : '')).join('') : ''))
    .join('\n');
}

function count(k: NotionKit, method: string, pattern: RegExp, status?: number): number {
  return k.emulator.requests.filter((r) => r.method === method && pattern.test(r.path) && (status === undefined || r.status === status)).length;
}

describe('NotionPublisher against the Notion emulator (real @notionhq/client over HTTP)', () => {
  it('creates exactly one page with the §4 properties and the transcript body', async () => {
    kit = await startNotion();
    const memory = new CheckpointMemory();
    const doc = makeDoc({
      source: 'sftp',
      call: { callTime: '2026-08-21T09:14:00.000Z', caller: '+1 555 010 2030', agent: 'dana.smith', campaign: 'Billing, East', interactionId: 'I-99812', leg: 'agent' },
    });
    const result = await publishWithRetry(publisherFor(kit, { timeZone: 'America/New_York' }), doc, memory);

    const pages = kit.emulator.pages();
    expect(pages).toHaveLength(1);
    const page = pages[0]!;
    expect(page.properties).toEqual({
      Name: '+1 555 010 2030 · dana.smith · 2026-08-21 05:14',
      'Recording ID': doc.id,
      File: 'call.wav',
      Source: 'sftp',
      'Call Time': '2026-08-21T09:14:00.000Z',
      'Duration (s)': 71.3,
      Agent: 'dana.smith',
      Caller: '+1 555 010 2030',
      Campaign: 'Billing East',
      'Interaction ID': 'I-99812',
      Leg: 'agent',
      Language: 'en',
      Model: 'whisper-1',
    });
    expect(page.blocks.map((b) => b.text)).toEqual([
      '[00:00] Agent: Thank you for calling Acme, this is Dana.',
      '[00:04] Caller: Hi, I would like to check on my order.',
      '[01:05] Of course, one moment please.',
    ]);
    expect(JSON.parse(result.result)).toEqual({ pageId: page.id, appendedBlocks: 3 });
    expect(memory.history.map((h) => JSON.parse(h))).toEqual([{ creating: true }, { pageId: page.id, appendedBlocks: 3 }]);
    expect(kit.emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 200']);
    const metric = await kit.metrics.registry.getSingleMetricAsString('notion_api_duration_seconds');
    expect(metric).toContain('notion_api_duration_seconds_count{operation="pages.create"} 1');
  });

  it('omits unknown call fields and names the page after the file', async () => {
    kit = await startNotion();
    const doc = makeDoc({ language: undefined, segments: [], text: 'Only text.\n\nSecond paragraph.' });
    await publishWithRetry(publisherFor(kit), doc, new CheckpointMemory());
    const page = kit.emulator.pages()[0]!;
    expect(page.properties).toEqual({ Name: 'call.wav', 'Recording ID': doc.id, File: 'call.wav', Source: 'inbox', 'Duration (s)': 71.3, Model: 'whisper-1' });
    expect(page.text).toBe('Only text.\nSecond paragraph.');
  });

  it('a 60,000-character transcript lands whole and in order within every limit', async () => {
    kit = await startNotion();
    const doc = makeDoc({ segments: longSegments(60_000, 'The customer asked about the invoice from last month and whether the late fee can be waived. ') });
    await publishWithRetry(publisherFor(kit), doc, new CheckpointMemory());
    const [page, ...others] = kit.emulator.pages();
    expect(others).toHaveLength(0);
    expect(firstDifference(page!.text ?? '', expectedText(doc))).toBeUndefined();
    expect(page!.text.length).toBeGreaterThan(60_000);
    expect(Math.max(...page!.blocks.flatMap((b) => b.itemLengths))).toBeLessThanOrEqual(2000);
    expect(count(kit, 'POST', /^\/v1\/pages$/)).toBe(1);
    expect(count(kit, 'PATCH', /children$/)).toBe(Math.ceil(page!.blocks.length / 100) - 1);
    expect(kit.emulator.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('one 60,000-character segment becomes ≤2000-character items cut at sentence ends', async () => {
    kit = await startNotion();
    const text = 'We reviewed the account together and found the duplicate charge. '.repeat(910).trim();
    const doc = makeDoc({ segments: [{ start: 3, end: 900, text, speaker: 'agent' }] });
    await publishWithRetry(publisherFor(kit), doc, new CheckpointMemory());
    const page = kit.emulator.pages()[0]!;
    // past 20 items (40,000 characters) a segment continues in a second paragraph
    expect(firstDifference(page.blocks.map((b) => b.text).join(''), `[00:03] Agent: ${text}`)).toBeUndefined();
    expect(page.blocks).toHaveLength(2);
    const lengths = page.blocks.flatMap((b) => b.itemLengths);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(2000);
    expect(lengths.length).toBeGreaterThan(30);
    expect(kit.emulator.requests.filter((r) => r.method !== 'GET')).toHaveLength(1);
  });

  it('emoji and CJK text: no split surrogate pairs, and requests stay under 500 KB', async () => {
    kit = await startNotion();
    // ~1,750 mostly three-byte characters per segment: 100 such blocks would be ~550 KB, over the
    // limit, so the 251 blocks need 4 requests rather than 3
    const unit = [...'您好，这里是客服中心。请问有什么可以帮您？😀👍🏽 '.repeat(80)];
    const segments = Array.from({ length: 250 }, (_, i) => ({
      start: i * 10, end: i * 10 + 9, text: unit.slice(0, 1750 + (i % 3)).join(''), speaker: i % 2 === 0 ? ('agent' as const) : ('caller' as const),
    }));
    // no spaces and an odd offset: a hard cut at 2000 would land inside a surrogate pair
    segments.push({ start: 3_100, end: 3_110, text: `a${'😀'.repeat(4_500)}`, speaker: 'caller' });
    const doc = makeDoc({ segments, language: 'zh' });
    await publishWithRetry(publisherFor(kit), doc, new CheckpointMemory());
    const page = kit.emulator.pages()[0]!;
    expect(firstDifference(page.text ?? '', expectedText(doc))).toBeUndefined();
    expect(page.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(kit.emulator.requests.every((r) => r.status === 200)).toBe(true);
    expect(count(kit, 'POST', /^\/v1\/pages$/) + count(kit, 'PATCH', /children$/)).toBe(4);
    expect(Math.max(...kit.emulator.requests.map((r) => r.bytes))).toBeLessThan(500_000);
    expect(Math.max(...kit.emulator.requests.map((r) => r.bytes))).toBeGreaterThan(400_000);
  });

  it('absorbs a 429 storm from a slow server and still writes each page once', async () => {
    kit = await startNotion({ requestsPerSecond: 4, burst: 2 });
    kit.emulator.faults.enqueue({ status: 429, retryAfter: 1, count: 2, method: 'POST', path: '/v1/pages' });
    const publisher = publisherFor(kit, { requestsPerSecond: 40 });
    const docs = Array.from({ length: 4 }, (_, i) => makeDoc({ id: `00000000000000${String(i).padStart(2, '0')}`, segments: longSegments(9_000, 'Short sentence here. ') }));
    const memory = new CheckpointMemory();
    await Promise.all(docs.map((doc) => publishWithRetry(publisher, doc, memory, 20)));
    expect(kit.emulator.requests.filter((r) => r.status === 429).length).toBeGreaterThan(2);
    const pages = kit.emulator.pages();
    expect(pages).toHaveLength(4);
    for (const doc of docs) {
      const page = pages.find((p) => p.properties['Recording ID'] === doc.id);
      expect(firstDifference(page?.text ?? '', expectedText(doc))).toBeUndefined();
    }
  });

  it('a 502 answered after the page was created: the retry adopts the page and finishes its body', async () => {
    kit = await startNotion();
    kit.emulator.faults.enqueue({ status: 502, after: true, method: 'POST', path: '/v1/pages' });
    const memory = new CheckpointMemory();
    const doc = makeDoc({ segments: longSegments(20_000, 'Ok. ') });
    expect(transcriptBlocks(doc).length).toBeGreaterThan(100);
    const { attempts, transientErrors } = await publishWithRetry(publisherFor(kit), doc, memory);
    expect(attempts).toBe(2);
    expect(transientErrors[0]).toBeInstanceOf(TransientError);
    const pages = kit.emulator.pages();
    expect(pages).toHaveLength(1);
    expect(firstDifference(pages[0]!.text ?? '', expectedText(doc))).toBeUndefined();
    expect(count(kit, 'POST', /^\/v1\/pages$/)).toBe(1);
    expect(count(kit, 'POST', /\/query$/)).toBe(1);
  });

  it('a create that times out after landing is adopted, not repeated', async () => {
    kit = await startNotion();
    kit.emulator.faults.enqueue({ after: true, delayMs: 1_000, method: 'POST', path: '/v1/pages' });
    const memory = new CheckpointMemory();
    const doc = makeDoc();
    const { attempts } = await publishWithRetry(publisherFor(kit, { timeoutMs: 300 }), doc, memory);
    expect(attempts).toBe(2);
    expect(kit.emulator.pages()).toHaveLength(1);
    expect(kit.emulator.pages()[0]!.text).toBe(expectedText(doc));
  });

  it('a 504 after an append landed does not duplicate blocks', async () => {
    kit = await startNotion();
    kit.emulator.faults.enqueue({ status: 504, after: true, method: 'PATCH', path: /children$/ });
    const doc = makeDoc({ segments: longSegments(30_000, 'Fine. ') });
    const { attempts } = await publishWithRetry(publisherFor(kit), doc, new CheckpointMemory());
    expect(attempts).toBe(2);
    const page = kit.emulator.pages()[0]!;
    expect(page.blocks).toHaveLength(transcriptBlocks(doc).length);
    expect(firstDifference(page.text ?? '', expectedText(doc))).toBeUndefined();
  });

  it('resumes after the last appended block when an append failed permanently', async () => {
    kit = await startNotion();
    kit.emulator.faults.enqueue({ status: 400, code: 'validation_error', message: 'simulated', skip: 1, method: 'PATCH', path: /children$/ });
    const memory = new CheckpointMemory();
    const doc = makeDoc({ segments: longSegments(30_000, 'Fine. ') });
    const total = transcriptBlocks(doc).length;
    expect(total).toBeGreaterThan(300);
    const publisher = publisherFor(kit);
    await expect(publishWithRetry(publisher, doc, memory)).rejects.toBeInstanceOf(PermanentError);
    expect(JSON.parse(memory.values.get(doc.id)!)).toMatchObject({ appendedBlocks: 200 });
    const before = kit.emulator.requests.length;

    await publishWithRetry(publisher, doc, memory);
    const resumed = kit.emulator.requests.slice(before);
    expect(resumed.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(resumed.filter((r) => r.method === 'PATCH')).toHaveLength(Math.ceil((total - 200) / 100));
    const page = kit.emulator.pages()[0]!;
    expect(kit.emulator.pages()).toHaveLength(1);
    expect(page.blocks).toHaveLength(total);
    expect(firstDifference(page.text ?? '', expectedText(doc))).toBeUndefined();
    expect(JSON.parse(memory.values.get(doc.id)!)).toEqual({ pageId: page.id, appendedBlocks: total });

    const after = kit.emulator.requests.length;
    await publisher.publish(doc, memory.context(doc.id));
    expect(kit.emulator.requests.length).toBe(after);
  });

  it('a wrong token is service-level (pauses intake, fails no recording), for publish and for check()', async () => {
    kit = await startNotion();
    const publisher = publisherFor(kit, { token: 'ntn_wrong' });
    const error = await publisher.publish(makeDoc(), new CheckpointMemory().context('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ status: 401, system: 'notion', component: 'notion' });
    await expect(publisher.check()).rejects.toBeInstanceOf(ServiceError);
    await expect(publisherFor(kit).check()).resolves.toContain('Call transcripts');
  });

  it('ten concurrent publishes share one limiter and stay under the server limit', async () => {
    kit = await startNotion({ requestsPerSecond: 3, burst: 5 });
    const publisher = publisherFor(kit, { requestsPerSecond: 3 });
    const memory = new CheckpointMemory();
    const docs = Array.from({ length: 10 }, (_, i) => makeDoc({ id: `10000000000000${String(i).padStart(2, '0')}` }));
    await Promise.all(docs.map((doc) => publishWithRetry(publisher, doc, memory)));
    expect(kit.emulator.pages()).toHaveLength(10);
    expect(kit.emulator.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('separate limiters overrun the server where a shared one does not (retried, still exactly once)', async () => {
    kit = await startNotion({ requestsPerSecond: 3, burst: 5 });
    const memory = new CheckpointMemory();
    const docs = Array.from({ length: 10 }, (_, i) => makeDoc({ id: `20000000000000${String(i).padStart(2, '0')}` }));
    await Promise.all(docs.map((doc) => publishWithRetry(publisherFor(kit!, { requestsPerSecond: 3 }), doc, memory, 20)));
    expect(kit.emulator.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(kit.emulator.pages()).toHaveLength(10);
  });
});
