import { randomBytes } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotionApi } from '../../src/publish/notion/notion-api.ts';
import { RateLimiter } from '../../src/publish/notion/rate-limiter.ts';
import { OpenAiTranscriber } from '../../src/transcribe/openai-transcriber.ts';
import { uploadFetch } from '../../src/upload-fetch.ts';
import { TransientError } from '../../src/errors.ts';

// An upload must leave as it is read from disk: Node's fetch keeps a whole copy of a streamed
// body unless the request is sent uncloned (src/upload-fetch.ts). Measured where it shows: when
// the server has received every byte but not answered yet, the client holds (after a full GC)
// almost none of the file's bytes in ArrayBuffers. Each test file runs in its own process (pool
// 'forks'), so the count is this test's alone.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const FILE_BYTES = 16 * 1024 * 1024;

/**
 * ArrayBuffer bytes still reachable: the least seen over a few full collections, since V8 frees
 * the memory of dead ArrayBuffers on a background thread after the collection, later on a busy
 * machine. A copy still held stays counted however long this waits.
 */
async function reachableArrayBuffers(): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    gc();
    least = Math.min(least, process.memoryUsage().arrayBuffers);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return least;
}

/** A server that discards each body, then lets the test measure before it answers `reply`. */
class SinkServer {
  private server!: Server;
  url = '';
  /** ArrayBuffer bytes the client held with the whole body sent and no answer yet. */
  heldAtEnd: number[] = [];
  received: number[] = [];

  async start(reply: (req: IncomingMessage) => unknown): Promise<void> {
    this.server = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        this.received.push(bytes);
        void reachableArrayBuffers().then((held) => {
          this.heldAtEnd.push(held);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply(req)));
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('uploads stream from disk without a copy in memory', () => {
  let dir: string;
  let file: string;
  const sink = new SinkServer();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'recpipe-upload-stream-'));
    file = path.join(dir, 'chunk.flac');
    await writeFile(file, randomBytes(FILE_BYTES));
    await sink.start((req) =>
      req.url?.includes('/audio/transcriptions')
        ? { text: 'hello', language: 'english', duration: 1, segments: [], words: [], usage: { type: 'duration', seconds: 1 } }
        : { object: 'file_upload', id: 'upload-1', status: 'uploaded' },
    );
  });
  afterAll(async () => {
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  });

  let before = 0;
  beforeEach(async () => {
    before = await reachableArrayBuffers();
  });
  /** ArrayBuffer bytes the last request added, held while the server had it all and had not answered. */
  const lastHeld = () => sink.heldAtEnd[sink.heldAtEnd.length - 1]! - before;

  it('uploadFetch sends the same body holding almost none of it', async () => {
    const body = Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 })) as ReadableStream;
    const response = await uploadFetch(sink.url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    await response.text();
    expect(sink.received.at(-1)).toBe(FILE_BYTES);
    expect(lastHeld()).toBeLessThan(FILE_BYTES / 4);
  });

  it('an OpenAI transcription request streams the chunk (the SDK over HTTP)', async () => {
    const transcriber = new OpenAiTranscriber({ apiKey: 'sk-test', baseURL: `${sink.url}/v1`, model: 'whisper-1' });
    const result = await transcriber.transcribe({ filePath: file, durationSeconds: 1 });
    expect(result.text).toBe('hello');
    // the multipart body: the file plus a few hundred bytes of fields
    expect(sink.received.at(-1)).toBeGreaterThan(FILE_BYTES);
    expect(lastHeld()).toBeLessThan(FILE_BYTES / 4);
  });

  it('a Notion file part streams from its file-backed Blob (the SDK over HTTP)', async () => {
    const api = new NotionApi({ token: 'ntn_test', baseUrl: sink.url, limiter: new RateLimiter(100) });
    const data = await openAsBlob(file, { type: 'audio/flac' });
    const sent = await api.call('fileUploads.send', (client) => client.fileUploads.send({ file_upload_id: 'upload-1', file: { filename: 'chunk.flac', data } }));
    expect(sent.id).toBe('upload-1');
    expect(sink.received.at(-1)).toBeGreaterThan(FILE_BYTES);
    expect(lastHeld()).toBeLessThan(FILE_BYTES / 4);
  });
  it('the measurement can tell (run last: the copy outlives the answer): plain fetch with a streamed body holds the whole file until the answer', async () => {
    const body = Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 })) as ReadableStream;
    const response = await fetch(sink.url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    await response.text();
    expect(sink.received.at(-1)).toBe(FILE_BYTES);
    expect(lastHeld()).toBeGreaterThan(FILE_BYTES * 0.75);
  });
});

describe('a server that redirects an upload', () => {
  it('fails the request with a classified, retryable error naming the redirect, and sends nothing twice', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'recpipe-upload-redirect-'));
    const file = path.join(dir, 'chunk.flac');
    await writeFile(file, randomBytes(256 * 1024));
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => res.writeHead(307, { location: '/v1/somewhere-else/audio/transcriptions' }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const transcriber = new OpenAiTranscriber({ apiKey: 'sk-test', baseURL: url, model: 'whisper-1' });
      const error = await transcriber.transcribe({ filePath: file, durationSeconds: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(/answered the upload with a redirect.*set the base URL/);
      expect(requests).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
