import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLIENT_CLOSED, createOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import type { RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { AbortedError, PermanentError, ServiceError, TransientError } from '../../src/errors.ts';
import { OpenAiTranscriber, isoCodeOf } from '../../src/transcribe/openai-transcriber.ts';
import type { OpenAiTranscriberOptions } from '../../src/transcribe/openai-transcriber.ts';
import { runFfmpeg } from '../helpers/test-audio.ts';

const API_KEY = 'sk-test-transcriber-0123456789';

let dir: string;
const emulator = createOpenAiEmulator({ apiKey: API_KEY });
let server: RunningOpenAiEmulator;

const path = (name: string): string => join(dir, name);
const sha256Of = async (name: string): Promise<string> => createHash('sha256').update(await readFile(path(name))).digest('hex');
const transcriber = (model: string, options: Partial<OpenAiTranscriberOptions> = {}) =>
  new OpenAiTranscriber({ apiKey: API_KEY, baseURL: server.url, model, ...options });
const ffmpeg = (...args: string[]) => runFfmpeg(args);
const tone = (seconds: number, frequency = 440) => ['-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`];
async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openai-transcriber-test-'));
  await Promise.all([
    ffmpeg(...tone(12), '-ar', '8000', '-ac', '1', '-c:a', 'flac', path('call.flac')),
    ffmpeg(...tone(7, 660), '-ar', '8000', '-ac', '1', path('other.wav')),
    ffmpeg(...tone(40), '-ar', '8000', '-ac', '1', '-c:a', 'flac', path('long.flac')),
    ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '840', '-c:a', 'pcm_s16le', path('big.wav')),
  ]);
  await writeFile(path('broken.mp3'), 'definitely not an mp3\n'.repeat(100));
  await copyFile(path('call.flac'), path('call.bin'));
  server = await emulator.start();
});

afterEach(() => {
  emulator.faults.reset();
  emulator.stats.clear();
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('OpenAiTranscriber: results per model', () => {
  it('maps whisper-1 verbose_json segments, language name and billed seconds', async () => {
    const sha = await sha256Of('call.flac');
    const result = await transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12 });
    expect(result.model).toBe('whisper-1');
    expect(result.language).toBe('en');
    expect(result.billedSeconds).toBe(12);
    expect(result.segments).toEqual([
      { start: 0, end: 5, text: `Emulated speech part 1 of 3 of audio ${sha.slice(0, 8)}, 0.0 to 5.0 seconds.` },
      { start: 5, end: 10, text: `Emulated speech part 2 of 3 of audio ${sha.slice(0, 8)}, 5.0 to 10.0 seconds.` },
      { start: 10, end: 12, text: `Emulated speech part 3 of 3 of audio ${sha.slice(0, 8)}, 10.0 to 12.0 seconds.` },
    ]);
    expect(result.text).toBe(result.segments.map((segment) => segment.text).join(' '));
    expect(emulator.stats.requests[0]).toMatchObject({ responseFormat: 'verbose_json', retryCount: 0 });

    const german = await transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12, language: 'de' });
    expect(german.language).toBe('de');
  });

  it('gives gpt-4o-transcribe one segment over the known duration', async () => {
    const result = await transcriber('gpt-4o-transcribe').transcribe({
      filePath: path('call.flac'),
      durationSeconds: 12.25,
      language: 'en',
      prompt: 'Five9, IVR',
    });
    expect(result.segments).toHaveLength(1);
    expect(result.segments[0]).toMatchObject({ start: 0, end: 12.25 });
    expect(result.segments[0]?.text).toBe(result.text);
    expect(result.language).toBe('en');
    // token-billed: the request's own duration is what the audio cost
    expect(result.billedSeconds).toBe(12.25);
    expect(emulator.stats.requests[0]?.responseFormat).toBe('json');
  });

  it('reads the detected language of gpt-transcribe', async () => {
    const result = await transcriber('gpt-transcribe').transcribe({ filePath: path('other.wav'), durationSeconds: 7 });
    expect(result.language).toBe('en');
    expect(result.billedSeconds).toBe(7);
  });

  it('asks the diarizing model for diarized_json with chunking, keeping the raw label aside', async () => {
    const result = await transcriber('gpt-4o-transcribe-diarize').transcribe({ filePath: path('long.flac'), durationSeconds: 40 });
    expect(result.segments).toHaveLength(8);
    expect(result.segments.map((segment) => segment.speakerLabel).slice(0, 2)).toEqual(['A', 'B']);
    expect(result.segments.every((segment) => segment.speaker === undefined)).toBe(true);
    expect(result.text).not.toMatch(/^A: /);
    expect(emulator.stats.requests[0]?.responseFormat).toBe('diarized_json');
  });

  it('re-opens the file on every call', async () => {
    const file = path('reopened.flac');
    await copyFile(path('call.flac'), file);
    const first = await transcriber('gpt-4o-mini-transcribe').transcribe({ filePath: file, durationSeconds: 12 });
    await copyFile(path('other.wav'), file);
    const second = await transcriber('gpt-4o-mini-transcribe').transcribe({ filePath: file, durationSeconds: 7 });
    expect(first.text).toContain((await sha256Of('call.flac')).slice(0, 8));
    expect(second.text).toContain((await sha256Of('other.wav')).slice(0, 8));
  });

  it('maps whisper language names to ISO-639-1 codes', () => {
    expect(isoCodeOf('english')).toBe('en');
    expect(isoCodeOf('German')).toBe('de');
    expect(isoCodeOf('hebrew')).toBe('he');
    expect(isoCodeOf('yiddish')).toBe('yi');
    expect(isoCodeOf('myanmar')).toBe('my');
    expect(isoCodeOf('haitian creole')).toBe('ht');
    expect(isoCodeOf('fr')).toBe('fr');
    expect(isoCodeOf('klingon')).toBeUndefined();
  });
});

describe('OpenAiTranscriber: error classification', () => {
  it('turns 429 + Retry-After into a TransientError with retryAfterMs, then succeeds on the next call', async () => {
    emulator.faults.enqueue({ status: 429, retryAfter: '1.5' });
    const whisper = transcriber('whisper-1');
    const error = await failure(whisper.transcribe({ filePath: path('call.flac'), durationSeconds: 12 }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ system: 'openai', status: 429, retryAfterMs: 1500 });
    expect((error as TransientError).requestId).toMatch(/^req_[0-9a-f]{32}$/);
    expect(error.message).toContain((error as TransientError).requestId);

    const result = await whisper.transcribe({ filePath: path('call.flac'), durationSeconds: 12 });
    expect(result.segments).toHaveLength(3);
    // the adapter made one attempt per call: no SDK retries behind the pipeline's back
    expect(emulator.stats.requests.map((r) => [r.status, r.retryCount])).toEqual([
      [429, 0],
      [200, 0],
    ]);
  });

  it('prefers retry-after-ms over Retry-After', async () => {
    emulator.faults.enqueue({ status: 503, retryAfterMs: '250', retryAfter: '9' });
    const error = await failure(transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12 }));
    expect(error).toMatchObject({ name: 'TransientError', status: 503, retryAfterMs: 250 });
  });

  it('answers every 500 with a TransientError', async () => {
    emulator.faults.enqueue({ status: 500, count: 3 });
    const whisper = transcriber('whisper-1');
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await failure(whisper.transcribe({ filePath: path('call.flac'), durationSeconds: 12 }));
      expect(error).toBeInstanceOf(TransientError);
      expect(error).toMatchObject({ status: 500, retryAfterMs: undefined });
    }
    expect(emulator.stats.received).toBe(3);
  });

  it('makes validation failures permanent with the API message', async () => {
    const badFormat = await failure(transcriber('whisper-1').transcribe({ filePath: path('call.bin'), durationSeconds: 12 }));
    expect(badFormat).toBeInstanceOf(PermanentError);
    expect(badFormat).toMatchObject({ status: 400 });
    expect(badFormat.message).toContain('Unsupported file format bin');

    const corrupt = await failure(transcriber('whisper-1').transcribe({ filePath: path('broken.mp3'), durationSeconds: 3 }));
    expect(corrupt).toBeInstanceOf(PermanentError);
    expect(corrupt.message).toContain('Audio file might be corrupted or unsupported');

    const unknown = await failure(transcriber('gpt-5-transcribe').transcribe({ filePath: path('call.flac'), durationSeconds: 12 }));
    expect(unknown).toMatchObject({ name: 'PermanentError', status: 404 });
  });

  it('makes quota exhaustion service-level (pauses intake) and the 25 MiB limit permanent', async () => {
    emulator.faults.quota();
    const quota = await failure(transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12 }));
    expect(quota).toBeInstanceOf(ServiceError);
    expect(quota).toMatchObject({ component: 'openai', status: 429 });
    expect(quota.message).toMatch(/^openai: quota exhausted/);

    const tooBig = await failure(transcriber('whisper-1').transcribe({ filePath: path('big.wav'), durationSeconds: 840 }));
    expect(tooBig).toBeInstanceOf(PermanentError);
    expect(tooBig).toMatchObject({ status: 413 });
    expect(tooBig.message).toContain('25 MiB');
  });

  it('reports a bad key without echoing it', async () => {
    const wrongKey = 'sk-proj-wrong-key-abcdefgh9900';
    const error = await failure(
      transcriber('whisper-1', { apiKey: wrongKey }).transcribe({ filePath: path('call.flac'), durationSeconds: 12 }),
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ status: 401, component: 'openai' });
    expect(error.message).toMatch(/^openai: key rejected/);
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).not.toContain('9900');
    expect(error.message).not.toContain('sk-proj');
  });

  it('makes dropped connections and timeouts transient', async () => {
    emulator.faults.drop();
    const dropped = await failure(transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12 }));
    expect(dropped).toBeInstanceOf(TransientError);
    expect((dropped as TransientError).status).toBeUndefined();

    emulator.faults.delayMs = 2000;
    const slow = await failure(transcriber('whisper-1', { timeoutMs: 300 }).transcribe({ filePath: path('call.flac'), durationSeconds: 12 }));
    expect(slow).toBeInstanceOf(TransientError);
    expect(slow.message).toContain('300 ms');
  });

  it('makes an API that nobody answers at (connection refused) service-level, not a recording failure', async () => {
    const closed = await import('node:net').then(
      (net) =>
        new Promise<number>((resolve) => {
          const probe = net.createServer().listen(0, '127.0.0.1', () => {
            const port = (probe.address() as { port: number }).port;
            probe.close(() => resolve(port));
          });
        }),
    );
    const error = await failure(
      transcriber('whisper-1', { baseURL: `http://127.0.0.1:${closed}/v1` }).transcribe({ filePath: path('call.flac'), durationSeconds: 12 }),
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.message).toBe('openai: unreachable (ECONNREFUSED)');
  });
});

describe('OpenAiTranscriber: held requests and aborts', () => {
  it('delivers a held transcription once released', async () => {
    const sha = await sha256Of('call.flac');
    emulator.faults.hold();
    const pending = transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12 });
    await vi.waitFor(() => expect(emulator.stats.held).toBe(1), { timeout: 5000 });
    expect(emulator.stats.deliveredFor(sha)).toBe(0);
    emulator.faults.release();
    expect((await pending).segments).toHaveLength(3);
    await vi.waitFor(() => expect(emulator.stats.deliveredFor(sha)).toBe(1), { timeout: 5000 });
  });

  it('turns an abort into AbortedError, and the abandoned answer is never delivered', async () => {
    const sha = await sha256Of('call.flac');
    emulator.faults.hold();
    const controller = new AbortController();
    const pending = failure(
      transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12, signal: controller.signal }),
    );
    await vi.waitFor(() => expect(emulator.stats.held).toBe(1), { timeout: 5000 });
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortedError);
    emulator.faults.release();
    // the emulator has finished with the request (closed by the client) and delivered nothing
    await vi.waitFor(() => expect(emulator.stats.requests[0]?.status).toBe(CLIENT_CLOSED), { timeout: 5000 });
    expect(emulator.stats.deliveredFor(sha)).toBe(0);
  });

  it('does not send anything when the signal is already aborted', async () => {
    const error = await failure(
      transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12, signal: AbortSignal.abort() }),
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(emulator.stats.received).toBe(0);
  });
});

describe('OpenAiTranscriber: a long-lived signal', () => {
  it('keeps no listener on the caller\'s signal once a request is done (the SDK leaves one per request on the signal it gets)', async () => {
    const stop = new AbortController();
    const whisper = transcriber('whisper-1');
    for (let i = 0; i < 12; i++) await whisper.transcribe({ filePath: path('call.flac'), durationSeconds: 12, signal: stop.signal });
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('still aborts a request in flight when the caller\'s signal fires, and leaves no listener then either', async () => {
    emulator.faults.hold();
    const stop = new AbortController();
    const pending = failure(transcriber('whisper-1').transcribe({ filePath: path('call.flac'), durationSeconds: 12, signal: stop.signal }));
    await vi.waitFor(() => expect(emulator.stats.held).toBe(1), { timeout: 5000 });
    stop.abort(new Error('shutting down'));
    expect(await pending).toBeInstanceOf(AbortedError);
    emulator.faults.release();
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
