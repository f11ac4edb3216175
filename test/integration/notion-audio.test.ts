import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FREE_MAX_FILE_BYTES } from '../../src/emulators/notion/file-upload-store.ts';
import type { NotionEmulatorOptions } from '../../src/emulators/notion/notion-emulator.ts';
import { NotionPublisher } from '../../src/publish/notion/notion-publisher.ts';
import type { PublishContext } from '../../src/publish/publisher.ts';
import { runFfmpeg } from '../helpers/test-audio.ts';
import { CheckpointMemory, TOKEN, makeDoc, publishWithRetry, startNotion, type NotionKit } from './notion-test-kit.ts';

type Audio = NonNullable<PublishContext['audio']>;
const MiB = 1024 * 1024;

let dir: string;
let shortWav: Audio;
let shortFlac: Audio;
let longWav: Audio;

async function audioFile(file: string, contentType: string): Promise<Audio> {
  return { path: file, fileName: path.basename(file), contentType, bytes: (await stat(file)).size };
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'notion-audio-'));
  await runFfmpeg(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-ar', '8000', '-ac', '1', path.join(dir, 'call.wav')]);
  await runFfmpeg(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-ar', '8000', '-ac', '1', path.join(dir, 'call.flac')]);
  // 16-bit stereo noise at 44.1 kHz: ~172 KiB/s, so 150 s is ~25 MiB, over the 20 MiB single-part limit
  await runFfmpeg(['-f', 'lavfi', '-i', 'anoisesrc=d=150:c=white:r=44100', '-ac', '2', '-c:a', 'pcm_s16le', path.join(dir, 'long.wav')]);
  shortWav = await audioFile(path.join(dir, 'call.wav'), 'audio/wav');
  shortFlac = await audioFile(path.join(dir, 'call.flac'), 'audio/flac');
  longWav = await audioFile(path.join(dir, 'long.wav'), 'audio/x-wav');
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let kit: NotionKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

function setup(options: NotionEmulatorOptions & { maxUploadBytes?: number } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return {
    lines,
    async start() {
      kit = await startNotion(options);
      const publisher = new NotionPublisher({
        token: TOKEN, databaseId: kit.databaseId, baseUrl: kit.server.url, metrics: kit.metrics, requestsPerSecond: 50,
        attachAudio: true, maxUploadBytes: options.maxUploadBytes ?? 64 * MiB, logger,
      });
      return { kit, publisher };
    },
  };
}

function count(k: NotionKit, method: string, pattern: RegExp): number {
  return k.emulator.requests.filter((r) => r.method === method && pattern.test(r.path)).length;
}

const TRANSCRIPT = ['[00:00] Agent: Thank you for calling Acme, this is Dana.', '[00:04] Caller: Hi, I would like to check on my order.', '[01:05] Of course, one moment please.'];

describe('NotionPublisher with NOTION_ATTACH_AUDIO against the emulator (real @notionhq/client)', () => {
  it("attaches a short recording's audio once, after the transcript", async () => {
    const { kit, publisher } = await setup().start();
    const memory = new CheckpointMemory();
    const doc = makeDoc();
    const { result } = await publishWithRetry(publisher, doc, memory, 1, shortWav);

    const page = kit.emulator.pages()[0]!;
    expect(page.blocks.map((b) => b.text).slice(0, 3)).toEqual(TRANSCRIPT);
    expect(page.blocks.map((b) => b.type)).toEqual(['paragraph', 'paragraph', 'paragraph', 'audio']);
    expect(page.blocks[3]!.upload).toMatchObject({ filename: 'call.wav', contentType: 'audio/wav', bytes: shortWav.bytes, sha256: await sha256(shortWav.path) });
    expect(JSON.parse(result)).toEqual({ pageId: page.id, appendedBlocks: 3, audio: { blockId: page.blocks[3]!.id, uploadId: page.blocks[3]!.upload!.id } });
    expect(kit.emulator.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, ':id')}`)).toEqual([
      'GET /v1/databases/:id', 'POST /v1/pages', 'GET /v1/users/me', 'POST /v1/file_uploads', 'POST /v1/file_uploads/:id/send', 'PATCH /v1/blocks/:id/children',
    ]);
    const metric = await kit.metrics.registry.getSingleMetricAsString('notion_api_duration_seconds');
    expect(metric).toContain('notion_api_duration_seconds_count{operation="fileUploads.send"} 1');

    // done is done: publishing again with the final checkpoint sends nothing
    const before = kit.emulator.requests.length;
    memory.values.set(doc.id, result);
    await publisher.publish(doc, memory.context(doc.id, undefined, shortWav));
    expect(kit.emulator.requests.length).toBe(before);
  });

  it('a 502 answered after the send landed: the retry neither uploads nor attaches twice', async () => {
    const { kit, publisher } = await setup().start();
    kit.emulator.faults.enqueue({ status: 502, after: true, method: 'POST', path: /\/send$/ });
    const memory = new CheckpointMemory();
    const { attempts } = await publishWithRetry(publisher, makeDoc(), memory, 8, shortWav);

    expect(attempts).toBe(2);
    expect(count(kit, 'POST', /^\/v1\/file_uploads$/)).toBe(1);
    expect(count(kit, 'POST', /\/send$/)).toBe(1);
    expect(count(kit, 'GET', /^\/v1\/file_uploads\/[^/]+$/)).toBe(1);
    const page = kit.emulator.pages()[0]!;
    expect(page.blocks.filter((b) => b.type === 'audio')).toHaveLength(1);
    expect(kit.emulator.pages()).toHaveLength(1);
  });

  it('a 504 answered after the audio block landed: the retry finds it and appends nothing', async () => {
    const { kit, publisher } = await setup().start();
    kit.emulator.faults.enqueue({ status: 504, after: true, method: 'PATCH', path: /children$/ });
    const memory = new CheckpointMemory();
    const { attempts, result } = await publishWithRetry(publisher, makeDoc(), memory, 8, shortWav);

    expect(attempts).toBe(2);
    const page = kit.emulator.pages()[0]!;
    expect(page.blocks.map((b) => b.type)).toEqual(['paragraph', 'paragraph', 'paragraph', 'audio']);
    expect(count(kit, 'PATCH', /children$/)).toBe(1);
    expect(count(kit, 'POST', /\/send$/)).toBe(1);
    expect(JSON.parse(result).audio).toMatchObject({ blockId: page.blocks[3]!.id });
  });

  it('a file over the configured limit is skipped with the reason; the page keeps its transcript', async () => {
    const setupWithLog = setup({ maxUploadBytes: 10_000 });
    const { kit, publisher } = await setupWithLog.start();
    const { result } = await publishWithRetry(publisher, makeDoc(), new CheckpointMemory(), 1, shortWav);

    const page = kit.emulator.pages()[0]!;
    expect(page.blocks.map((b) => b.text)).toEqual(TRANSCRIPT);
    expect(count(kit, 'POST', /file_uploads/)).toBe(0);
    const reason = `${shortWav.bytes} bytes is over the 10000-byte upload limit`;
    expect(JSON.parse(result).audio).toEqual({ skipped: reason });
    expect(setupWithLog.lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'notion audio not attached', reason, fileName: 'call.wav' }));
  });

  it("the workspace's own limit (a free plan's 5 MiB, from users.me) wins over a larger configured one", async () => {
    const { kit, publisher } = await setup({ maxFileUploadBytes: FREE_MAX_FILE_BYTES, maxUploadBytes: 64 * MiB }).start();
    const { result } = await publishWithRetry(publisher, makeDoc(), new CheckpointMemory(), 1, longWav);
    expect(JSON.parse(result).audio).toEqual({ skipped: `${longWav.bytes} bytes is over the ${FREE_MAX_FILE_BYTES}-byte upload limit` });
    expect(count(kit, 'POST', /file_uploads/)).toBe(0);
    expect(kit.emulator.pages()[0]!.blocks).toHaveLength(3);
  });

  it('FLAC, which Notion does not take, is skipped with the reason and never sent', async () => {
    const setupWithLog = setup();
    const { kit, publisher } = await setupWithLog.start();
    const { result } = await publishWithRetry(publisher, makeDoc(), new CheckpointMemory(), 1, shortFlac);
    expect(JSON.parse(result).audio.skipped).toContain('content type audio/flac is not one Notion accepts');
    expect(count(kit, 'POST', /file_uploads/)).toBe(0);
    expect(kit.emulator.pages()[0]!.blocks.map((b) => b.text)).toEqual(TRANSCRIPT);
    expect(setupWithLog.lines.some((l) => l.msg === 'notion audio not attached')).toBe(true);
  });

  it('over 20 MiB goes up in 10 MiB parts, and a failed part resumes where it stopped', async () => {
    const { kit, publisher } = await setup().start();
    expect(longWav.bytes).toBeGreaterThan(20 * MiB);
    // the second part fails before it lands: part 1 is not sent again
    kit.emulator.faults.enqueue({ status: 500, skip: 1, method: 'POST', path: /\/send$/ });
    const memory = new CheckpointMemory();
    const { attempts } = await publishWithRetry(publisher, makeDoc(), memory, 8, longWav);

    const parts = Math.ceil(longWav.bytes / (10 * MiB));
    expect(attempts).toBe(2);
    expect(count(kit, 'POST', /\/send$/)).toBe(parts + 1);
    expect(count(kit, 'POST', /\/complete$/)).toBe(1);
    expect(count(kit, 'POST', /^\/v1\/file_uploads$/)).toBe(1);
    // each request carries one 10 MiB part plus the multipart envelope
    const largest = Math.max(...kit.emulator.requests.filter((r) => /\/send$/.test(r.path)).map((r) => r.bytes));
    expect(largest).toBeGreaterThan(10 * MiB);
    expect(largest).toBeLessThan(10 * MiB + 4_096);
    const audio = kit.emulator.pages()[0]!.blocks.find((b) => b.type === 'audio');
    expect(audio?.upload).toMatchObject({ filename: 'long.wav', contentType: 'audio/wav', bytes: longWav.bytes, sha256: await sha256(longWav.path) });
    // checkpoints: created, then one per part (the retry starts at part 2), then complete
    const saved = memory.history.map((h) => (JSON.parse(h) as { audio?: { sentParts: number; uploaded?: true } }).audio).filter((a) => a !== undefined);
    expect(saved.map((a) => (a.uploaded ? 'uploaded' : a.sentParts))).toEqual([...Array.from({ length: parts + 1 }, (_, i) => i), 'uploaded']);
  }, 60_000);

  it('an upload that expired before it was attached is started again, still one audio block', async () => {
    const { kit, publisher } = await setup({ fileUploadTtlMs: 300 }).start();
    kit.emulator.faults.enqueue({ status: 500, method: 'PATCH', path: /children$/ });
    const memory = new CheckpointMemory();
    const doc = makeDoc();
    await expect(publisher.publish(doc, memory.context(doc.id, undefined, shortWav))).rejects.toMatchObject({ status: 500 });
    await vi.waitFor(() => expect(kit.emulator.uploads.list('expired')).toHaveLength(1), { timeout: 5000, interval: 50 });
    await publisher.publish(doc, memory.context(doc.id, undefined, shortWav));

    expect(count(kit, 'POST', /^\/v1\/file_uploads$/)).toBe(2);
    const page = kit.emulator.pages()[0]!;
    expect(page.blocks.filter((b) => b.type === 'audio')).toHaveLength(1);
    expect(kit.emulator.uploads.list('expired')).toHaveLength(1);
  });
});
