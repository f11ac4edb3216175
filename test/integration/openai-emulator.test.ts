import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIConnectionError, APIError, AuthenticationError, BadRequestError, NotFoundError, RateLimitError, toFile } from 'openai';
import type { TranscriptionDiarized } from 'openai/resources/audio/transcriptions';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLIENT_CLOSED, createOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import type { RunningOpenAiEmulator } from '../../src/emulators/openai-emulator.ts';
import { requireTools } from '../helpers/require-tools.ts';
import { runFfmpeg } from '../helpers/test-audio.ts';

const gsm = await requireTools('gsm-encoder');

const LIMIT = 26_214_400;

let dir: string;
const emulator = createOpenAiEmulator();
let server: RunningOpenAiEmulator;

const path = (name: string): string => join(dir, name);
const upload = (name: string, as = name) => toFile(createReadStream(path(name)), as);
const sha256Of = async (name: string): Promise<string> => createHash('sha256').update(await readFile(path(name))).digest('hex');
const client = (options: { maxRetries?: number; apiKey?: string; baseURL?: string } = {}) =>
  new OpenAI({ apiKey: options.apiKey ?? 'sk-test', baseURL: options.baseURL ?? server.url, maxRetries: options.maxRetries ?? 0 });
const ffmpeg = (...args: string[]) => runFfmpeg(args);
async function rejection(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(APIError);
  return error as APIError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openai-emulator-test-'));
  const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
  const silence = (seconds: number, rate: number) => ['-f', 'lavfi', '-i', `anullsrc=r=${rate}:cl=mono`, '-t', String(seconds)];
  await Promise.all([
    ffmpeg(...tone(12), '-ar', '8000', '-ac', '1', '-c:a', 'flac', path('tone12.flac')),
    ffmpeg(...tone(7), '-ar', '8000', '-ac', '1', '-c:a', 'pcm_s16le', path('tone7.wav')),
    gsm.missing === undefined ? ffmpeg(...tone(9), '-ar', '8000', '-ac', '1', '-c:a', 'gsm_ms', path('gsm9.wav')) : undefined,
    ffmpeg(...tone(6), '-ar', '16000', '-ac', '1', '-c:a', 'libmp3lame', path('tone6.mp3')),
    ffmpeg(...tone(40), '-ar', '8000', '-ac', '1', '-c:a', 'flac', path('tone40.flac')),
    ffmpeg(...tone(0.05), '-ar', '8000', '-ac', '1', path('blip.wav')),
    // 14 min of 16-bit 16 kHz mono: 26,880,078 bytes, over the 25 MiB cap
    ffmpeg(...silence(840, 16000), '-c:a', 'pcm_s16le', path('big.wav')),
    ffmpeg(...silence(1450, 8000), '-c:a', 'flac', path('long1450.flac')),
  ]);
  await writeFile(path('junk.mp3'), 'this is not audio, just words in a file named like one\n'.repeat(200));
  await writeFile(path('tone12.bin'), await readFile(path('tone12.flac')));
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

describe('OpenAI emulator: successful transcriptions', () => {
  it('answers whisper-1 verbose_json with one segment per 5 s of the real duration', async () => {
    const sha = await sha256Of('tone12.flac');
    const { data, response } = await client()
      .audio.transcriptions.create({ file: await upload('tone12.flac'), model: 'whisper-1', response_format: 'verbose_json' })
      .withResponse();

    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('openai-version')).toBe('2020-10-01');
    expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThan(0);
    for (const name of ['limit', 'remaining', 'reset']) expect(response.headers.get(`x-ratelimit-${name}-requests`)).toBeTruthy();

    const body = data as typeof data & { task?: string };
    expect(body.task).toBe('transcribe');
    expect(body.language).toBe('english');
    expect(body.duration).toBe(12);
    expect(body.usage).toEqual({ type: 'duration', seconds: 12 });
    expect(body.segments).toHaveLength(3);
    const [first, , last] = body.segments ?? [];
    expect(first).toMatchObject({ id: 0, seek: 0, start: 0, end: 5, temperature: 0 });
    expect(first?.text).toBe(` Emulated speech part 1 of 3 of audio ${sha.slice(0, 8)}, 0.0 to 5.0 seconds.`);
    expect(last).toMatchObject({ id: 2, start: 10, end: 12 });
    for (const segment of body.segments ?? []) {
      expect(segment.text.startsWith(' ')).toBe(true);
      expect(Number.isInteger(segment.id) && Number.isInteger(segment.seek)).toBe(true);
      expect(segment.tokens.every(Number.isInteger)).toBe(true);
      expect(typeof segment.avg_logprob + typeof segment.compression_ratio + typeof segment.no_speech_prob).toBe('numbernumbernumber');
    }
    expect(body.text).toBe((body.segments ?? []).map((segment) => segment.text).join('').trim());
    expect(emulator.stats.requests[0]).toMatchObject({ model: 'whisper-1', responseFormat: 'verbose_json', audioSha256: sha, status: 200 });
  });

  it('is deterministic per audio and honours the language hint', async () => {
    const create = async (language?: string) =>
      client().audio.transcriptions.create({
        file: await upload('tone12.flac'),
        model: 'whisper-1',
        response_format: 'verbose_json',
        ...(language ? { language } : {}),
      });
    const [a, b, german] = [await create(), await create(), await create('de')];
    expect(a.text).toBe(b.text);
    expect(german.language).toBe('german');
    const other = await client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1' });
    expect(other.text).toContain((await sha256Of('tone7.wav')).slice(0, 8));
  });

  const duration = async (name: string) =>
    (await client().audio.transcriptions.create({ file: await upload(name), model: 'whisper-1', response_format: 'verbose_json' })).duration;
  it('decodes the real duration of PCM WAV and MP3', async () => {
    expect(await duration('tone7.wav')).toBeCloseTo(7, 3);
    expect(await duration('tone6.mp3')).toBeGreaterThan(5.9);
  });
  gsm.it('decodes the real duration of GSM WAV', async () => {
    expect(await duration('gsm9.wav')).toBeCloseTo(9, 2);
  });

  it('answers gpt-4o-transcribe json with token usage and no timestamps', async () => {
    const result = await client().audio.transcriptions.create({ file: await upload('tone12.flac'), model: 'gpt-4o-transcribe' });
    expect(Object.keys(result)).toEqual(['text', 'usage']);
    expect(result.text).toMatch(/^Emulated speech part 1 of 3/);
    expect(result.usage).toMatchObject({ type: 'tokens', input_token_details: { audio_tokens: 120 } });
  });

  it('sends text, srt and vtt as text/plain strings', async () => {
    const text = await client()
      .audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'gpt-4o-mini-transcribe', response_format: 'text' })
      .withResponse();
    expect(text.response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(typeof text.data).toBe('string');
    expect(text.data).toMatch(/^Emulated speech part 1 of 2 .*seconds\.\n$/);
    const srt = await client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1', response_format: 'srt' });
    expect(srt).toMatch(/^1\n00:00:00,000 --> 00:00:05,000\nEmulated speech part 1 of 2/);
    const vtt = await client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1', response_format: 'vtt' });
    expect(vtt).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:05\.000\n/);
  });

  it('answers diarized_json with string ids and speakers A/B, when chunking is set past 30 s', async () => {
    const model = 'gpt-4o-transcribe-diarize';
    const missing = await rejection(
      client().audio.transcriptions.create({ file: await upload('tone40.flac'), model, response_format: 'diarized_json' }),
    );
    expect(missing).toBeInstanceOf(BadRequestError);
    expect(missing.param).toBe('chunking_strategy');

    const result = (await client().audio.transcriptions.create({
      file: await upload('tone40.flac'),
      model,
      response_format: 'diarized_json',
      chunking_strategy: 'auto',
    })) as unknown as TranscriptionDiarized;
    expect(result.segments).toHaveLength(8);
    expect(result.segments.map((segment) => segment.speaker).slice(0, 3)).toEqual(['A', 'B', 'A']);
    expect(result.segments[0]).toMatchObject({ type: 'transcript.text.segment', id: 'seg_001', start: 0, end: 5 });
    expect(result.usage).toEqual({ type: 'duration', seconds: 40 });
  });

  it('streams server-sent events for gpt-4o models and serves the path without /v1', async () => {
    const bare = client({ baseURL: server.url.replace(/\/v1$/, '') });
    const stream = await bare.audio.transcriptions.create({ file: await upload('tone12.flac'), model: 'gpt-4o-transcribe', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['transcript.text.delta', 'transcript.text.delta', 'transcript.text.delta', 'transcript.text.done']);
    expect(emulator.stats.requests[0]?.path).toBe('/audio/transcriptions');
  });

  it('lists its models for an auth check', async () => {
    const ids = [];
    for await (const model of client().models.list()) ids.push(model.id);
    expect(ids).toContain('whisper-1');
    expect(ids).toContain('gpt-transcribe');
  });
});

describe('OpenAI emulator: validation as the live API answers', () => {
  it('rejects verbose_json for gpt-4o-transcribe with the live unsupported_value body', async () => {
    const error = await rejection(
      client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'gpt-4o-transcribe', response_format: 'verbose_json' }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toEqual({
      message: "response_format 'verbose_json' is not compatible with model 'gpt-4o-transcribe-api-ev3'. Use 'json' or 'text' instead.",
      type: 'invalid_request_error',
      param: 'response_format',
      code: 'unsupported_value',
    });
    expect(error.requestID).toMatch(/^req_/);
  });

  it('rejects timestamp granularities without verbose_json, bad languages and unknown models', async () => {
    const granular = await rejection(
      client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1', timestamp_granularities: ['word'] }),
    );
    expect(granular.param).toBe('timestamp_granularities');
    const language = await rejection(
      client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1', language: 'english' }),
    );
    expect(language.code).toBe('invalid_language_format');
    const unknown = await rejection(client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-2' }));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.code).toBe('model_not_found');
  });

  it('decides the format by the file name extension', async () => {
    const error = await rejection(client().audio.transcriptions.create({ file: await upload('tone12.bin'), model: 'whisper-1' }));
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ message: 'Unsupported file format bin', code: 'unsupported_value' });
  });

  it('rejects undecodable and too short audio', async () => {
    const corrupt = await rejection(client().audio.transcriptions.create({ file: await upload('junk.mp3'), model: 'whisper-1' }));
    expect(corrupt.error).toMatchObject({ message: 'Audio file might be corrupted or unsupported', code: 'invalid_value' });
    const short = await rejection(client().audio.transcriptions.create({ file: await upload('blip.wav'), model: 'whisper-1' }));
    expect(short.code).toBe('audio_too_short');
  });

  it('refuses a body over 26,214,400 bytes with 413 server_error, and the SDK does not retry it', async () => {
    const error = await rejection(
      client({ maxRetries: 2 }).audio.transcriptions.create({ file: await upload('big.wav'), model: 'whisper-1' }),
    );
    expect(error.status).toBe(413);
    expect(error.type).toBe('server_error');
    const read = Number(/^Maximum content size limit \(26214400\) exceeded \((\d+) bytes read\)$/.exec(String(error.error && (error.error as { message: string }).message))?.[1]);
    expect(read).toBeGreaterThan(LIMIT);
    expect(emulator.stats.received).toBe(1);
    expect(emulator.stats.requests[0]?.bytes).toBeGreaterThan(26_880_000);
  });

  it('measures the whole body: a file just under the limit still fails once the form is around it', async () => {
    const data = LIMIT - 100 - 44;
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(36 + data, 4);
    header.write('WAVEfmt ', 8, 'latin1');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(16000, 24);
    header.writeUInt32LE(32000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36, 'latin1');
    header.writeUInt32LE(data, 40);
    const file = await toFile(Buffer.concat([header, Buffer.alloc(data)]), 'near-limit.wav');
    expect(file.size).toBeLessThan(LIMIT);
    const error = await rejection(client().audio.transcriptions.create({ file, model: 'whisper-1' }));
    expect(error.status).toBe(413);
  });

  it('caps gpt-4o-transcribe at 1,400 s of audio but not whisper-1', async () => {
    const error = await rejection(
      client().audio.transcriptions.create({ file: await upload('long1450.flac'), model: 'gpt-4o-transcribe' }),
    );
    expect(error.error).toEqual({
      message: 'audio duration 1450.000000 seconds is longer than 1400 seconds which is the maximum for this model',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_value',
    });
    const whisper = await client().audio.transcriptions.create({
      file: await upload('long1450.flac'),
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    expect(whisper.segments).toHaveLength(290);
  });

  it('answers 401 with a masked key', async () => {
    const key = 'sk-proj-abcdefghijklmnop1234';
    const error = await rejection(client({ apiKey: key }).audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('invalid_api_key');
    const message = (error.error as { message: string }).message;
    expect(message).toMatch(/^Incorrect API key provided: sk-proj-\*{16}1234\./);
    expect(message).not.toContain(key);
  });
});

describe('OpenAI emulator: fault injection', () => {
  it('lets the SDK retry a 429 after its retry-after and counts the attempts', async () => {
    emulator.faults.enqueue({ status: 429, retryAfter: '0.2' });
    const started = Date.now();
    const result = await client({ maxRetries: 2 }).audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1' });
    expect(result.text).toContain('Emulated speech');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(emulator.stats.requests.map((r) => [r.status, r.retryCount])).toEqual([
      [429, 0],
      [200, 1],
    ]);
  });

  it('uses the live rate-limit, quota and server-error bodies', async () => {
    emulator.faults.enqueue({ status: 429, retryAfter: '2' });
    const limited = await rejection(client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1' }));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect((limited.error as { message: string }).message).toMatch(/^Rate limit reached for whisper-1 .* Please try again in 2s\./);
    expect(limited.headers?.get('retry-after')).toBe('2');

    emulator.faults.quota();
    const quota = await rejection(client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1' }));
    expect(quota.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(quota.headers?.get('retry-after')).toBeNull();

    emulator.faults.enqueue({ status: 500, count: 2 });
    const result = await client({ maxRetries: 2 }).audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1' });
    expect(result.text).toContain('Emulated');
    expect(emulator.stats.requests.slice(-3).map((r) => [r.status, r.retryCount])).toEqual([
      [500, 0],
      [500, 1],
      [200, 2],
    ]);
  });

  it('drops connections and delays answers on request', async () => {
    emulator.faults.drop();
    const dropped = await rejection(client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1' }));
    expect(dropped).toBeInstanceOf(APIConnectionError);

    emulator.faults.delayMs = 300;
    const started = Date.now();
    await client().audio.transcriptions.create({ file: await upload('tone7.wav'), model: 'whisper-1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('holds requests unanswered until release, and counts only fully delivered answers', async () => {
    const sha = await sha256Of('tone12.flac');
    emulator.faults.hold();
    const pending = client().audio.transcriptions.create({ file: await upload('tone12.flac'), model: 'whisper-1' });
    await vi.waitFor(() => expect(emulator.stats.held).toBe(1), { timeout: 5000 });
    expect(emulator.stats.requests[0]).toMatchObject({ audioSha256: sha, delivered: false, status: 0 });
    expect(emulator.stats.deliveredFor(sha)).toBe(0);

    emulator.faults.release();
    await pending;
    await vi.waitFor(() => expect(emulator.stats.deliveredFor(sha)).toBe(1), { timeout: 5000 });
    expect(emulator.stats.held).toBe(0);
  });

  it('does not count an answer as delivered when the client went away while it was held', async () => {
    const sha = await sha256Of('tone12.flac');
    emulator.faults.hold();
    const controller = new AbortController();
    const pending = client()
      .audio.transcriptions.create({ file: await upload('tone12.flac'), model: 'whisper-1' }, { signal: controller.signal })
      .catch((error: unknown) => error);
    await vi.waitFor(() => expect(emulator.stats.held).toBe(1), { timeout: 5000 });
    controller.abort();
    await pending;
    emulator.faults.release();
    await vi.waitFor(() => expect(emulator.stats.requests[0]?.status).toBe(CLIENT_CLOSED), { timeout: 5000 });
    expect(emulator.stats.requests[0]?.delivered).toBe(false);
    expect(emulator.stats.deliveredFor(sha)).toBe(0);
  });

  it('does not count an answer as delivered when the client process was killed while held', async () => {
    const sha = await sha256Of('tone12.flac');
    emulator.faults.hold();
    const script = [
      "import OpenAI, { toFile } from 'openai';",
      "import { createReadStream } from 'node:fs';",
      'const client = new OpenAI({ apiKey: "sk-test", baseURL: process.env.BASE_URL, maxRetries: 0 });',
      "await client.audio.transcriptions.create({ file: await toFile(createReadStream(process.env.AUDIO), 'call.flac'), model: 'whisper-1' });",
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, BASE_URL: server.url, AUDIO: path('tone12.flac') },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await vi.waitFor(() => expect(emulator.stats.held).toBe(1), { timeout: 5000 });
    child.kill('SIGKILL');
    await exited;
    emulator.faults.release();
    await vi.waitFor(() => expect(emulator.stats.requests[0]?.status).toBe(CLIENT_CLOSED), { timeout: 5000 });
    expect(emulator.stats.deliveredFor(sha)).toBe(0);
  });
});
