import { randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { readLimitedBody } from './limited-body.ts';
import { errorAnswer, faultBodies, goDuration, jsonAnswer } from './openai-answers.ts';
import type { ApiAnswer } from './openai-answers.ts';
import { TRANSCRIPTION_MODELS } from './openai-catalog.ts';
import { faultAnswer, OpenAiFaults } from './openai-faults.ts';
import { readTranscriptionForm, validateTranscription } from './openai-request.ts';
import { OpenAiStats } from './openai-stats.ts';
import type { OpenAiRequestRecord } from './openai-stats.ts';
import { renderTranscription } from './openai-transcript.ts';
import { chatCompletionAnswer, promptOf, responseAnswer } from './openai-chat.ts';
import { serveApp } from '../http/serve-app.ts';

/** The live cap: 25 MiB on the whole multipart body, not on the file alone (trap 6). */
export const MAX_BODY_BYTES = 26_214_400;

/** Recorded as the status of a request whose client left before the answer (nginx's convention). */
export const CLIENT_CLOSED = 499;

export interface OpenAiEmulatorOptions {
  /** The only key accepted as `Authorization: Bearer <key>`; default `sk-test`. */
  apiKey?: string;
  /** Seconds of audio per emulated transcript segment; default 5. */
  segmentSeconds?: number;
  /** Shown in the `x-ratelimit-*-requests` headers and the 429 text (not enforced); default 500. */
  requestsPerMinute?: number;
}

export interface RunningOpenAiEmulator {
  /** Base URL including `/v1`, as `OPENAI_BASE_URL` or the SDK's `baseURL` expects it. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface OpenAiEmulator {
  app: Hono;
  faults: OpenAiFaults;
  /**
   * Scripts what the next successful transcriptions "hear": each call queues one list of
   * utterances, spread evenly over that request's audio (for tests of what happens to words,
   * e.g. redaction). Without a script the speech is derived from the audio.
   */
  say(...utterances: string[]): void;
  /**
   * Standing script: every request whose audio matches (duration within 0.15 s, and the upload's
   * file name when given) "hears" these utterances. Used by the demo to speak the samples' words.
   */
  scriptFor(match: { durationSeconds: number; fileName?: string }, utterances: string[]): void;
  stats: OpenAiStats;
  /** From now on only `key` is accepted (a key rotated or a bill paid, for outage tests). */
  acceptKey(key: string): void;
  /** Serves the app on 127.0.0.1 (port 0 picks a free port). */
  start(options?: { host?: string; port?: number }): Promise<RunningOpenAiEmulator>;
}

/**
 * An emulator of OpenAI's `POST /v1/audio/transcriptions` wire contract
 * (shared/reference/api-contracts.md §1), for the real `openai` SDK over real HTTP.
 * Also answers `GET /v1/models[/:id]`, so an auth check can run against it, and
 * `POST /v1/chat/completions` with structured outputs (see chatCompletionAnswer) for insights.
 */
export function createOpenAiEmulator(options: OpenAiEmulatorOptions = {}): OpenAiEmulator {
  let apiKey = options.apiKey ?? 'sk-test';
  const segmentSeconds = options.segmentSeconds ?? 5;
  const requestsPerMinute = options.requestsPerMinute ?? 500;
  if (!(segmentSeconds > 0)) throw new RangeError('segmentSeconds must be positive');
  const faults = new OpenAiFaults();
  const stats = new OpenAiStats();
  const scripts: string[][] = [];
  const standing: Array<{ match: { durationSeconds: number; fileName?: string }; utterances: string[] }> = [];
  const standingScript = (request: { durationSeconds: number; file: { name: string } }): string[] | undefined =>
    standing.find(
      ({ match }) =>
        Math.abs(match.durationSeconds - request.durationSeconds) <= 0.15 && (match.fileName === undefined || match.fileName === request.file.name),
    )?.utterances;
  const recent: number[] = [];

  /** Common headers (§1.7), the configured delay, and delivery tracking for one answer. */
  async function send(c: Context, answer: ApiAnswer, startedAt: number, record?: OpenAiRequestRecord): Promise<Response> {
    if (faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
    if (record && clientGone(c)) {
      // the kernel would still accept the bytes, and 'finish' would call them delivered
      record.status = CLIENT_CLOSED;
      return new Response(null, { status: 204 });
    }
    const now = Date.now();
    while (recent.length > 0 && (recent[0] ?? now) <= now - 60_000) recent.shift();
    const headers = new Headers({
      'content-type': answer.contentType,
      'x-request-id': record?.requestId ?? newRequestId(),
      'openai-processing-ms': String(Math.max(1, Math.round(performance.now() - startedAt))),
      'openai-version': '2020-10-01',
      'openai-organization': c.req.header('openai-organization') ?? 'user-emulator',
      'openai-project': c.req.header('openai-project') ?? 'proj_emulator',
      'x-ratelimit-limit-requests': String(requestsPerMinute),
      'x-ratelimit-remaining-requests': String(answer.status === 429 ? 0 : Math.max(0, requestsPerMinute - recent.length)),
      // a bucket refilling evenly over the minute: the time until every used request is back
      'x-ratelimit-reset-requests': goDuration((recent.length * 60_000) / requestsPerMinute),
      ...answer.headers,
    });
    if (record) {
      record.status = answer.status;
      trackDelivery(c, record);
    }
    return new Response(answer.body, { status: answer.status, headers });
  }

  function authFailure(c: Context): ApiAnswer | undefined {
    const header = c.req.header('authorization');
    if (header === `Bearer ${apiKey}`) return undefined;
    const presented = header?.replace(/^Bearer\s+/i, '').trim() ?? '';
    // a 2026 probe saw these 401s as text/plain with a JSON body; the SDK parses them either way
    const contentType = 'text/plain';
    if (presented === '') {
      return errorAnswer(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer " +
          'auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you\'re ' +
          'accessing the API from your browser and are prompted for a username and password. You can obtain an ' +
          'API key from https://platform.openai.com/account/api-keys.',
        { contentType },
      );
    }
    return errorAnswer(
      401,
      `Incorrect API key provided: ${maskKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      { code: 'invalid_api_key', contentType },
    );
  }

  /** Every counted request starts the same way: timed, rate-tracked and recorded in the stats. */
  function beginRequest(c: Context): { startedAt: number; record: OpenAiRequestRecord } {
    const startedAt = performance.now();
    recent.push(Date.now());
    const record: OpenAiRequestRecord = {
      requestId: newRequestId(),
      path: c.req.path,
      bytes: 0,
      status: 0,
      retryCount: Number.parseInt(c.req.header('x-stainless-retry-count') ?? '0', 10) || 0,
      at: Date.now(),
      held: false,
      delivered: false,
    };
    stats.add(record);
    return { startedAt, record };
  }

  async function transcribe(c: Context): Promise<Response> {
    const { startedAt, record } = beginRequest(c);
    const unauthorized = authFailure(c);
    if (unauthorized) return send(c, unauthorized, startedAt, record);

    const body = await readLimitedBody(c.req.raw.body, MAX_BODY_BYTES);
    record.bytes = body.total;
    if (body.bytes === undefined) {
      return send(
        c,
        errorAnswer(413, `Maximum content size limit (${MAX_BODY_BYTES}) exceeded (${body.readWhenRefused} bytes read)`, {
          type: 'server_error',
        }),
        startedAt,
        record,
      );
    }
    const contentType = c.req.header('content-type') ?? '';
    if (!/^multipart\/form-data/i.test(contentType)) {
      return send(
        c,
        errorAnswer(
          400,
          `Invalid Content-Type header (${contentType}), expected multipart/form-data. ` +
            "(HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')",
        ),
        startedAt,
        record,
      );
    }
    let form;
    try {
      form = await readTranscriptionForm(await new Response(body.bytes, { headers: { 'content-type': contentType } }).formData());
    } catch {
      return send(c, errorAnswer(400, 'Could not parse multipart form'), startedAt, record);
    }
    record.model = form.model;
    record.responseFormat = form.responseFormat ?? 'json';
    record.fileName = form.file?.name;
    record.audioSha256 = form.file?.sha256;

    record.held = faults.holds(c.req.path);
    if (await faults.park(c.req.path)) {
      // let the event loop see connections that closed while parked (a killed client) first
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    record.held = false;

    const fault = faults.take(c.req.path);
    if (fault?.kind === 'drop') {
      dropConnection(c);
      return new Response(null, { status: 204 });
    }
    if (fault) return send(c, faultAnswer(fault, form.model ?? 'whisper-1', requestsPerMinute), startedAt, record);

    const request = await validateTranscription(form);
    if ('status' in request) return send(c, request, startedAt, record);
    return send(c, renderTranscription(request, segmentSeconds, scripts.shift() ?? standingScript(request)), startedAt, record);
  }

  async function chat(c: Context): Promise<Response> {
    const { startedAt, record } = beginRequest(c);
    const unauthorized = authFailure(c);
    if (unauthorized) return send(c, unauthorized, startedAt, record);
    const body = await readLimitedBody(c.req.raw.body, MAX_BODY_BYTES);
    record.bytes = body.total;
    if (body.bytes === undefined) return send(c, errorAnswer(413, 'Request too large'), startedAt, record);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body.bytes));
    } catch {
      return send(c, errorAnswer(400, 'We could not parse the JSON body of your request.'), startedAt, record);
    }
    record.model = typeof (json as { model?: unknown })?.model === 'string' ? (json as { model: string }).model : undefined;
    record.prompt = promptOf(json);
    record.held = faults.holds(c.req.path);
    if (await faults.park(c.req.path)) await new Promise((resolve) => setTimeout(resolve, 10));
    record.held = false;
    const fault = faults.take(c.req.path);
    if (fault?.kind === 'drop') {
      dropConnection(c);
      return new Response(null, { status: 204 });
    }
    if (fault) return send(c, faultAnswer(fault, record.model ?? 'gpt-4o-mini', requestsPerMinute), startedAt, record);
    const answer = c.req.path.endsWith('/responses') ? responseAnswer : chatCompletionAnswer;
    return send(c, answer(json, faults.takeBadAnswer()), startedAt, record);
  }

  const app = new Hono();
  app.post('/v1/chat/completions', chat);
  app.post('/chat/completions', chat);
  app.post('/v1/responses', chat);
  app.post('/responses', chat);
  app.post('/v1/audio/transcriptions', transcribe);
  app.post('/audio/transcriptions', transcribe);
  for (const prefix of ['/v1', '']) {
    app.get(`${prefix}/models`, (c) => {
      const startedAt = performance.now();
      const data = [...TRANSCRIPTION_MODELS.keys()].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' }));
      return send(c, authFailure(c) ?? jsonAnswer({ object: 'list', data }), startedAt);
    });
    app.get(`${prefix}/models/:model`, (c) => {
      const startedAt = performance.now();
      const id = c.req.param('model');
      const answer = TRANSCRIPTION_MODELS.has(id)
        ? jsonAnswer({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })
        : errorAnswer(404, `The model '${id}' does not exist`, { param: 'model', code: 'model_not_found' });
      return send(c, authFailure(c) ?? answer, startedAt);
    });
  }
  app.notFound((c) => send(c, errorAnswer(404, `Invalid URL (${c.req.method} ${c.req.path})`), performance.now()));
  app.onError((_error, c) => send(c, faultBodies.serverError(500), performance.now()));

  return {
    app,
    faults,
    say: (...utterances: string[]) => void scripts.push(utterances),
    acceptKey: (key: string) => {
      apiKey = key;
    },
    scriptFor: (match, utterances) => void standing.push({ match, utterances }),
    stats,
    async start(startOptions = {}) {
      const served = await serveApp(app, startOptions);
      return {
        url: `${served.url}/v1`,
        port: served.port,
        close: async () => {
          // parked handlers would otherwise wait forever on a server that is gone
          faults.release();
          await served.close();
        },
      };
    },
  };
}

function trackDelivery(c: Context, record: OpenAiRequestRecord): void {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  // without a Node response (app.request() in a test) there is no socket to watch
  if (outgoing === undefined) {
    record.delivered = true;
    return;
  }
  // 'finish' fires only once the last byte went to the socket; a dead client never gets there
  if (!outgoing.destroyed) outgoing.once('finish', () => (record.delivered = true));
}

function clientGone(c: Context): boolean {
  const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
  if (socket === undefined) return false;
  return c.req.raw.signal.aborted || socket.destroyed || !socket.writable || socket.readableEnded;
}

function dropConnection(c: Context): void {
  (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.destroy();
}

function newRequestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

/** As the live 401 shows keys: the first 8 characters, stars, the last 4. */
function maskKey(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 2)}${'*'.repeat(Math.max(1, key.length - 2))}`;
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}
