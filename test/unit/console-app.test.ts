import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ConsoleStore } from '../../src/http/console/console-store.ts';
import { buildCallEnricher } from '../../src/five9/call-enricher.ts';
import { createHttpApp } from '../../src/http/http-app.ts';
import { isLoopbackHost } from '../../src/http/is-loopback-host.ts';
import { Readiness } from '../../src/http/readiness.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { SearchIndexPublisher } from '../../src/publish/search-index-publisher.ts';
import { backfillSearchIndex } from '../../src/publish/backfill-search-index.ts';
import type { CallMetadata, Segment, TranscriptDocument } from '../../src/recording.ts';
import pino from 'pino';

// The console's routes through Hono's app.request(): a real SQLite ledger and real folders, no port.

const ORIGIN = 'http://localhost';
const WAITING = '5554445555 Sales by dave@example.com @ 1_00_00 PM.wav';

interface Fixture {
  root: string;
  ledger: SqliteLedger;
  app: ReturnType<typeof createHttpApp>;
  seqs: Record<string, number>;
  retried: number;
}

let fx: Fixture;

function doc(id: string, fileName: string, call: CallMetadata, segments: Segment[]): TranscriptDocument {
  return {
    id,
    sha256: id.padEnd(64, '0'),
    source: 'inbox',
    sourcePath: `/in/${fileName}`,
    fileName,
    receivedAt: '2026-11-02T10:00:00.000Z',
    audio: { durationSeconds: 12, channels: 1, sampleRate: 8000, codec: 'pcm_s16le' },
    call,
    model: 'whisper-1',
    text: segments.map((s) => s.text).join(' '),
    segments,
    redactions: { 'card number': 1 },
  };
}

/** Claims a file in the ledger and drives its row to `state`, the way the pipeline does. */
async function addRow(ledger: SqliteLedger, name: string, id: string | undefined, state: 'done' | 'failed' | 'pending', localPath?: string): Promise<number> {
  const claimed = await ledger.claim({ source: 'inbox', path: `/in/${name}`, relativePath: name, fileName: path.basename(name), size: 100, mtimeMs: 1 });
  if (!claimed) throw new Error('not claimed');
  if (state === 'pending') {
    await ledger.release(claimed.seq);
    return claimed.seq;
  }
  await ledger.begin(claimed.seq);
  if (localPath) await ledger.setLocalPath(claimed.seq, localPath);
  if (id) await ledger.setIdentity(claimed.seq, id.padEnd(64, '0'), id);
  if (state === 'done') await ledger.finish(claimed.seq, 'done');
  else await ledger.fail(claimed.seq, 'transcribe', 'OpenAI said 400: <script>alert(1)</script> audio unreadable');
  return claimed.seq;
}

async function build(credentials?: { user: string; password: string }): Promise<Fixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'recpipe-console-'));
  const transcriptsDir = path.join(root, 'transcripts');
  const processedDir = path.join(root, 'processed');
  await mkdir(transcriptsDir, { recursive: true });
  await mkdir(path.join(processedDir, '2026-11-02'), { recursive: true });
  const ledger = new SqliteLedger(path.join(root, 'pipeline.db'));
  const index = ledger.recordingIndex();
  const publisher = new SearchIndexPublisher(index);

  const audioPath = path.join(processedDir, '2026-11-02', 'sales.wav');
  await writeFile(audioPath, Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)));
  const outside = path.join(root, 'outside.wav');
  await writeFile(outside, 'secret bytes outside processed/');

  const seqs: Record<string, number> = {};
  const published: Array<[string, string, CallMetadata, Segment[], string | undefined]> = [
    [
      'a1a1a1a1a1a1a1a1',
      'sales.wav',
      { agent: 'alice@example.com', campaign: 'Sales', caller: '5550001111', callTime: '2026-11-02T15:04:00.000Z' },
      [
        { start: 0, end: 4.5, text: 'Thanks for calling, how can I help with your refund?', speaker: 'agent' },
        { start: 4.5, end: 9, text: 'My card is [card number] and <b>bold</b> & "quoted"', speaker: 'caller' },
      ],
      audioPath,
    ],
    [
      'b2b2b2b2b2b2b2b2',
      'renewals.wav',
      { agent: 'bob@example.com', campaign: 'Renewals', callTime: '2026-11-05T09:00:00.000Z' },
      [{ start: 0, end: 3, text: 'Your subscription renewal is due', speaker: 'agent' }],
      outside,
    ],
  ];
  for (const [id, name, call, segments, local] of published) {
    seqs[name] = await addRow(ledger, name, id, 'done', local);
    const d = doc(id, name, call, segments);
    await writeFile(path.join(transcriptsDir, `${id}.json`), JSON.stringify(d));
    await publisher.publish(d);
  }
  await ledger.saveCheckpoint('a1a1a1a1a1a1a1a1', 'publish:notion', JSON.stringify({ pageId: '1234abcd-1234-abcd-1234-abcd1234abcd', appendedBlocks: 2 }));
  seqs['broken.wav'] = await addRow(ledger, 'broken.wav', 'c3c3c3c3c3c3c3c3', 'failed');
  seqs['broken2.wav'] = await addRow(ledger, 'broken2.wav', undefined, 'failed');
  seqs['waiting.wav'] = await addRow(ledger, 'Sales/11_9_2026/5554445555 Sales by dave@example.com @ 1_00_00 PM.wav', undefined, 'pending');

  const fixture: Fixture = { root, ledger, seqs, retried: 0, app: undefined as never };
  fixture.app = createHttpApp({
    readiness: new Readiness([], { cacheMs: 0 }),
    metrics: new Metrics({ defaultMetrics: false }),
    console: {
      // what main.ts gives: the Five9 name parser, for rows not published yet
      store: new ConsoleStore(ledger, index, { transcriptsDir, processedDir }, (row) => buildCallEnricher(loadConfig({}).five9)(row).call),
      credentials,
      onRetried: () => {
        fixture.retried += 1;
      },
    },
  });
  return fixture;
}

async function page(url: string, headers: Record<string, string> = {}): Promise<{ status: number; html: string; res: Response }> {
  const res = await fx.app.request(url, { headers });
  return { status: res.status, html: await res.text(), res };
}

/** The rows the list shows, as their file names, in order. */
const listed = (html: string) => [...html.matchAll(/<tr data-seq="\d+" data-state="\w+"><td><a href="\/recordings\/\d+">[^<]*<\/a><\/td><td><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);

/** A fresh CSRF cookie and the token the page's forms carry. */
async function csrfFrom(url = '/'): Promise<{ cookie: string; token: string }> {
  const { res, html } = await page(url);
  const cookie = /recpipe_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!cookie || !token) throw new Error('no CSRF token on the page');
  expect(token).toBe(cookie);
  return { cookie, token };
}

async function post(url: string, form: Record<string, string>, headers: Record<string, string>): Promise<Response> {
  return fx.app.request(url, {
    method: 'POST',
    body: new URLSearchParams(form),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  });
}

describe('web console (app.request, real SQLite ledger)', () => {
  beforeEach(async () => {
    fx = await build();
  });
  afterEach(async () => {
    await fx.ledger.close();
    await rm(fx.root, { recursive: true, force: true });
  });

  it('lists every recording newest first with state, stage, reason and call metadata', async () => {
    const { status, html, res } = await page('/');
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(listed(html)).toEqual([WAITING, 'broken2.wav', 'broken.wav', 'renewals.wav', 'sales.wav']);
    // a row not published yet shows the metadata of its Five9 file name
    expect(html).toMatch(/<td class="nowrap">2026-11-09 13:00 UTC<\/td><td>dave@example.com<\/td><td>Sales<\/td><td>5554445555<\/td>/);
    expect(html).toContain('5 recordings');
    expect(html).toContain('alice@example.com');
    expect(html).toContain('2026-11-02 15:04 UTC');
    expect(html).toContain('Retry all failed (2)');
    // the error text is shown escaped, never as markup
    expect(html).toContain('OpenAI said 400: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('filters by state, agent, campaign and date, and paginates', async () => {
    expect(listed((await page('/?state=failed')).html)).toEqual(['broken2.wav', 'broken.wav']);
    expect(listed((await page('/?agent=ALICE')).html)).toEqual(['sales.wav']);
    expect(listed((await page('/?campaign=Renewals')).html)).toEqual(['renewals.wav']);
    expect(listed((await page('/?from=2026-11-04&to=2026-11-05')).html)).toEqual(['renewals.wav']);
    expect(listed((await page('/?from=2026-11-02&to=2026-11-02&state=done')).html)).toEqual(['sales.wav']);
    // junk in the query is ignored, not an error
    expect(listed((await page('/?state=evil&from=2026-13-99&page=-4')).html)).toHaveLength(5);
    // the agent filter is a plain substring: % and _ are not wildcards
    expect(listed((await page('/?agent=%25')).html)).toEqual([]);

    for (let i = 0; i < 60; i++) await addRow(fx.ledger, `bulk-${i}.wav`, undefined, 'pending');
    const first = await page('/');
    expect(listed(first.html)).toHaveLength(50);
    expect(first.html).toContain('65 recordings, page 1 of 2');
    expect(first.html).toContain('href="/?page=2"');
    const second = await page('/?page=2');
    expect(listed(second.html)).toHaveLength(15);
    expect(listed(second.html).at(-1)).toBe('sales.wav');
    const filtered = await page('/?state=pending&page=2');
    expect(listed(filtered.html)).toHaveLength(11);
    expect(filtered.html).toContain('href="/?state=pending"');
  });

  it('searches the redacted transcript text, with words, prefixes and hostile input', async () => {
    expect(listed((await page('/?q=refund')).html)).toEqual(['sales.wav']);
    expect(listed((await page('/?q=renew')).html)).toEqual(['renewals.wav']);
    expect(listed((await page('/?q=thanks+help')).html)).toEqual(['sales.wav']);
    expect(listed((await page('/?q=thanks+renewal')).html)).toEqual([]);
    expect(listed((await page('/?q=card+number')).html)).toEqual(['sales.wav']);
    // FTS5 syntax and SQL are just words (or nothing), never errors
    for (const q of ['"', 'refund" OR "renewal', 'NEAR(a b)', "'; DROP TABLE recordings; --", '*', 'AND', '%']) {
      const { status } = await page(`/?q=${encodeURIComponent(q)}`);
      expect(status, q).toBe(200);
    }
    expect(listed((await page(`/?q=${encodeURIComponent('refund" OR "renewal')}`)).html)).toEqual([]);
    expect(listed((await page('/?q=subscription&campaign=Sales')).html)).toEqual([]);
    expect((await page('/?q=%3Cscript%3E')).html).toContain('value="&lt;script&gt;"');
  });

  it('shows a recording: turns with speakers and times, escaped text, audio player, Notion link', async () => {
    const { status, html } = await page(`/recordings/${fx.seqs['sales.wav']}`);
    expect(status).toBe(200);
    expect(html).toContain('<audio controls="" preload="metadata" src="/recordings/1/audio">');
    expect(html).toMatch(/00:00–00:04<\/td><td class="speaker speaker-agent">Agent<\/td><td>Thanks for calling/);
    expect(html).toMatch(/00:04–00:09<\/td><td class="speaker speaker-caller">Caller<\/td>/);
    expect(html).toContain('My card is [card number] and &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(html).toContain('https://www.notion.so/1234abcd1234abcd1234abcd1234abcd');
    expect(html).toContain('card number: 1');
    expect(html).not.toContain('Retry this recording');

    const failed = await page(`/recordings/${fx.seqs['broken.wav']}`);
    expect(failed.html).toContain('Retry this recording');
    expect(failed.html).toContain('No transcript published yet.');
    expect(failed.html).toContain('No archived audio to play.');

    for (const bad of ['999', '0', 'abc', '1e3', '-1', '..%2F..%2Fetc']) expect((await page(`/recordings/${bad}`)).status, bad).toBe(404);
  });

  it('serves the archived audio of a known recording only, with ranges', async () => {
    const whole = await fx.app.request(`/recordings/${fx.seqs['sales.wav']}/audio`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(1000);
    expect(bytes[255]).toBe(255);

    const part = await fx.app.request(`/recordings/${fx.seqs['sales.wav']}/audio`, { headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect([...Buffer.from(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const tail = await fx.app.request(`/recordings/${fx.seqs['sales.wav']}/audio`, { headers: { Range: 'bytes=-4' } });
    expect([...Buffer.from(await tail.arrayBuffer())]).toEqual([228, 229, 230, 231]);
    const beyond = await fx.app.request(`/recordings/${fx.seqs['sales.wav']}/audio`, { headers: { Range: 'bytes=5000-' } });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();

    // a row whose file is outside processed/ is not served, nor rows without audio, nor paths
    for (const url of [`/recordings/${fx.seqs['renewals.wav']}/audio`, `/recordings/${fx.seqs['broken.wav']}/audio`, '/recordings/77/audio', '/recordings/..%2Foutside.wav/audio']) {
      const res = await fx.app.request(url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('secret bytes');
    }
  });

  it('retries one failed recording with a valid CSRF token and origin, and refuses without', async () => {
    const seq = fx.seqs['broken.wav']!;
    const { cookie, token } = await csrfFrom(`/recordings/${seq}`);
    const same = { Origin: ORIGIN, Cookie: `recpipe_csrf=${cookie}` };

    // no token, a wrong token, a token without its cookie, another origin: all refused, nothing changes
    expect((await post(`/recordings/${seq}/retry`, {}, same)).status).toBe(403);
    expect((await post(`/recordings/${seq}/retry`, { csrf: token.replace(/.$/, token.endsWith('A') ? 'B' : 'A') }, same)).status).toBe(403);
    expect((await post(`/recordings/${seq}/retry`, { csrf: token }, { Origin: ORIGIN })).status).toBe(403);
    expect((await post(`/recordings/${seq}/retry`, { csrf: token }, { ...same, Origin: 'https://evil.example' })).status).toBe(403);
    expect((await fx.ledger.get(seq))?.state).toBe('failed');
    expect(fx.retried).toBe(0);

    const ok = await post(`/recordings/${seq}/retry`, { csrf: token, back: `/recordings/${seq}` }, same);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/recordings/${seq}?notice=retried-1`);
    expect((await fx.ledger.get(seq))?.state).toBe('pending');
    expect(fx.retried).toBe(1);
    expect((await page(ok.headers.get('location')!)).html).toContain('1 recording is pending again');

    // a done recording is not retried; a foreign `back` never leaves the console
    const done = await post(`/recordings/${fx.seqs['sales.wav']}/retry`, { csrf: token, back: '//evil.example/x' }, same);
    expect(done.headers.get('location')).toBe('/?notice=not-failed');
    expect((await fx.ledger.get(fx.seqs['sales.wav']!))?.state).toBe('done');
  });

  it('retries all failed recordings at once and says how many', async () => {
    const { cookie, token } = await csrfFrom();
    const headers = { Origin: ORIGIN, Cookie: `recpipe_csrf=${cookie}` };
    expect((await post('/actions/retry-failed', { csrf: 'x'.repeat(43) }, headers)).status).toBe(403);
    const res = await post('/actions/retry-failed', { csrf: token, back: '/?state=failed' }, headers);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?state=failed&notice=retried-2');
    expect((await fx.ledger.status()).counts).toMatchObject({ failed: 0, pending: 3, done: 2 });
    const after = await page(res.headers.get('location')!);
    expect(after.html).toContain('2 recordings are pending again');
    expect(listed(after.html)).toEqual([]);
    const again = await post('/actions/retry-failed', { csrf: token }, headers);
    expect(again.headers.get('location')).toBe('/?notice=retried-0');
    expect(fx.retried).toBe(1);
    // a notice code is all a link can choose: free text in it shows nothing
    expect((await page('/?notice=You%20have%20been%20hacked')).html).not.toContain('hacked');
  });

  it('keeps /health, /ready and /metrics, and JSON 404 for other paths', async () => {
    expect((await fx.app.request('/health')).status).toBe(200);
    expect((await fx.app.request('/ready')).status).toBe(200);
    expect((await fx.app.request('/metrics')).status).toBe(200);
    expect(await (await fx.app.request('/nope')).json()).toEqual({ error: 'not found' });
  });
});

describe('web console credentials', () => {
  beforeEach(async () => {
    fx = await build({ user: 'ops', password: 'correct horse' });
  });
  afterEach(async () => {
    await fx.ledger.close();
    await rm(fx.root, { recursive: true, force: true });
  });

  const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  it('asks for HTTP Basic on every console page and action; probes stay open', async () => {
    const seq = fx.seqs['broken.wav']!;
    for (const url of ['/', '/?q=refund', `/recordings/${seq}`, `/recordings/${fx.seqs['sales.wav']}/audio`]) {
      const res = await fx.app.request(url);
      expect(res.status, url).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="recpipe console"');
      expect(await res.text()).not.toContain('sales.wav');
      expect((await fx.app.request(url, { headers: basic('ops', 'wrong') })).status, url).toBe(401);
      expect((await fx.app.request(url, { headers: basic('Ops', 'correct horse') })).status, url).toBe(401);
    }
    // an unauthenticated POST changes nothing, even with a valid token
    const { res: first, html } = await page('/', basic('ops', 'correct horse'));
    expect(first.status).toBe(200);
    const token = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const headers = { Origin: ORIGIN, Cookie: `recpipe_csrf=${token}` };
    expect((await post('/actions/retry-failed', { csrf: token }, headers)).status).toBe(401);
    expect((await post(`/recordings/${seq}/retry`, { csrf: token }, headers)).status).toBe(401);
    expect((await fx.ledger.status()).counts.failed).toBe(2);
    expect((await post(`/recordings/${seq}/retry`, { csrf: token }, { ...headers, ...basic('ops', 'correct horse') })).status).toBe(303);
    expect((await fx.ledger.get(seq))?.state).toBe('pending');

    for (const probe of ['/health', '/ready', '/metrics']) expect((await fx.app.request(probe)).status, probe).toBe(200);
  });
});

describe('console configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env, { serves: true });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', 'localhost.example.com', '128.0.0.1', '127.0.0.1.nip.io']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('refuses to serve off loopback without CONSOLE_USER and CONSOLE_PASSWORD, in one line naming them', () => {
    expect(problems({ HTTP_HOST: '0.0.0.0' })).toEqual([expect.stringMatching(/^CONSOLE_USER \/ CONSOLE_PASSWORD: required when HTTP_HOST \(0\.0\.0\.0\) is not loopback/)]);
    expect(problems({ HTTP_HOST: '0.0.0.0', CONSOLE_USER: 'ops' })).toEqual(['CONSOLE_PASSWORD: required together with CONSOLE_USER']);
    expect(problems({ HTTP_HOST: '127.0.0.1', CONSOLE_PASSWORD: 'pw' })).toEqual(['CONSOLE_USER: required together with CONSOLE_PASSWORD']);
    expect(problems({ HTTP_HOST: '127.0.0.1' })).toEqual([]);
    // commands that serve nothing (status, retry) do not need them
    expect(() => loadConfig({ HTTP_HOST: '0.0.0.0' })).not.toThrow();
    const config = loadConfig({ HTTP_HOST: '0.0.0.0', CONSOLE_USER: 'ops', CONSOLE_PASSWORD: 'pw' }, { serves: true });
    expect(config.http.console).toEqual({ user: 'ops', password: 'pw' });
  });
});

describe('search index backfill', () => {
  it('fills an empty index from transcripts/*.json and skips files that are not transcripts', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'recpipe-backfill-'));
    try {
      const ledger = new SqliteLedger(path.join(root, 'pipeline.db'));
      const index = ledger.recordingIndex();
      await writeFile(path.join(root, 'a1a1a1a1a1a1a1a1.json'), JSON.stringify(doc('a1a1a1a1a1a1a1a1', 'x.wav', { agent: 'zed' }, [{ start: 0, end: 1, text: 'backfilled words' }])));
      await writeFile(path.join(root, 'b2b2b2b2b2b2b2b2.json'), '{ not json');
      await writeFile(path.join(root, 'c3c3c3c3c3c3c3c3.json'), JSON.stringify(doc('ffffffffffffffff', 'y.wav', {}, [])));
      await writeFile(path.join(root, 'notes.json'), '{}');
      const log = pino({ level: 'silent' });
      expect(await backfillSearchIndex(index, root, log)).toBe(1);
      expect(await index.entry('a1a1a1a1a1a1a1a1')).toMatchObject({ agent: 'zed' });
      expect(await backfillSearchIndex(index, root, log)).toBe(0);
      await addRow(ledger, 'x.wav', 'a1a1a1a1a1a1a1a1', 'done');
      expect((await index.list({ text: 'backfill' }, { offset: 0, limit: 10 })).total).toBe(1);
      await ledger.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('console sources', () => {
  it('name their JSX runtime in each .tsx file: the production image has no tsconfig.json for tsx to read', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = path.resolve(import.meta.dirname, '../../src/http/console');
    const pages = (await readdir(dir)).filter((name) => name.endsWith('.tsx'));
    expect(pages.length).toBeGreaterThan(3);
    for (const name of pages) expect((await readFile(path.join(dir, name), 'utf8')).split('\n')[0], name).toBe('/** @jsxRuntime automatic @jsxImportSource hono/jsx */');
  });
});
