import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, toStreamingFile } from 'openai';
import type { TranscriptionDiarized } from 'openai/resources/audio/transcriptions';
import { AbortedError, PermanentError, ServiceError, TransientError, parseRetryAfter } from '../errors.ts';
import type { Segment } from '../recording.ts';
import type { TranscribeRequest, TranscribeResult, Transcriber } from './transcriber.ts';

export interface OpenAiTranscriberOptions {
  apiKey: string;
  /** Any OpenAI-compatible base URL including `/v1`; the SDK default (OPENAI_BASE_URL, else api.openai.com) when absent. */
  baseURL?: string;
  model: string;
  /** Per-request timeout in milliseconds; default 600000 (the SDK's own default). */
  timeoutMs?: number;
  organization?: string;
}

/** A segment as this adapter returns it: the diarizing model's raw label ("A", "B", a known name) kept aside. */
export interface OpenAiSegment extends Segment {
  speakerLabel?: string;
}

export interface OpenAiTranscribeResult extends TranscribeResult {
  segments: OpenAiSegment[];
}

type ResponseShape = 'verbose_json' | 'json' | 'diarized_json';

/**
 * Which body to ask for: only whisper models return timestamps (verbose_json); gpt-4o-*transcribe
 * and gpt-transcribe reject it and return plain text; the diarizing model has its own format.
 * Unknown names on OpenAI-compatible servers are usually whisper deployments.
 */
function shapeFor(model: string): ResponseShape {
  if (model.includes('diarize')) return 'diarized_json';
  if (model.startsWith('gpt-')) return 'json';
  return 'verbose_json';
}

const MEDIA_TYPES: Record<string, string> = {
  '.flac': 'audio/flac',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.webm': 'audio/webm',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
};

/** Transcribes through the official `openai` SDK; every failure leaves as Transient/Permanent/Aborted. */
export class OpenAiTranscriber implements Transcriber {
  readonly model: string;
  readonly #client: OpenAI;
  readonly #timeoutMs: number;
  /** Kept only to scrub it out of any message that might echo it. */
  readonly #apiKey: string;

  constructor(options: OpenAiTranscriberOptions) {
    this.model = options.model;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
    this.#apiKey = options.apiKey;
    // the pipeline owns retries and their horizon (style rule 6): the SDK makes one attempt
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      organization: options.organization,
      timeout: this.#timeoutMs,
      maxRetries: 0,
    });
  }

  async transcribe(request: TranscribeRequest): Promise<OpenAiTranscribeResult> {
    const { signal } = request;
    try {
      signal?.throwIfAborted();
      // streamed from disk, never buffered: a File (toFile, or even a file-backed Blob, which
      // Node 20 reads ahead whole) held each 24 MiB request two or three times over (issue 9).
      // The SDK does not retry a streaming body (api-contracts trap 2), which costs nothing
      // here: it makes one attempt anyway (maxRetries 0) and the pipeline's retry calls this
      // again, re-opening the file.
      const name = basename(request.filePath);
      const type = MEDIA_TYPES[extname(name).toLowerCase()];
      const file = toStreamingFile(createReadStream(request.filePath, { highWaterMark: 64 * 1024 }), name, type === undefined ? undefined : { type });
      signal?.throwIfAborted();
      const common = { file, model: this.model, ...(request.language === undefined ? {} : { language: request.language }) };
      const options = signal === undefined ? {} : { signal };
      switch (shapeFor(this.model)) {
        case 'verbose_json': {
          const response = await this.#client.audio.transcriptions.create(
            { ...common, ...this.#prompt(request), response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] },
            options,
          );
          const text = response.text.trim();
          const segments = (response.segments ?? [])
            .map((segment) => ({ start: segment.start, end: segment.end, text: segment.text.trim() }))
            .filter((segment) => segment.text !== '');
          return {
            model: this.model,
            text,
            language: isoCodeOf(response.language) ?? request.language,
            segments: segments.length > 0 ? segments : wholeFile(text, request.durationSeconds),
            // word times let redaction mute only the digits said, not the whole segment around them
            ...(response.words && response.words.length > 0
              ? { words: response.words.map((word) => ({ word: word.word, start: word.start, end: word.end })) }
              : {}),
            billedSeconds: billedSeconds(response.usage, request.durationSeconds),
          };
        }
        case 'json': {
          const response = await this.#client.audio.transcriptions.create(
            { ...common, ...this.#prompt(request), response_format: 'json' },
            options,
          );
          // gpt-transcribe reports detected languages; the gpt-4o family reports none
          const detected = (response as { languages?: { code?: string }[] }).languages?.[0]?.code;
          const text = response.text.trim();
          return {
            model: this.model,
            text,
            language: detected ?? request.language,
            segments: wholeFile(text, request.durationSeconds),
            billedSeconds: billedSeconds(response.usage, request.durationSeconds),
          };
        }
        case 'diarized_json': {
          // prompts are not supported by the diarizing model; chunking is required past 30 s
          const response = (await this.#client.audio.transcriptions.create(
            { ...common, response_format: 'diarized_json', chunking_strategy: 'auto' },
            options,
          )) as unknown as TranscriptionDiarized;
          const segments: OpenAiSegment[] = response.segments
            .map((segment) => ({ start: segment.start, end: segment.end, text: segment.text.trim(), speakerLabel: segment.speaker }))
            .filter((segment) => segment.text !== '');
          return {
            model: this.model,
            // built from the segments: the top-level text may carry "A: " speaker prefixes
            text: segments.length > 0 ? segments.map((segment) => segment.text).join(' ') : response.text.trim(),
            language: request.language,
            segments,
            billedSeconds: billedSeconds(response.usage, request.durationSeconds),
          };
        }
      }
    } catch (error) {
      throw this.#classify(error, signal);
    }
  }

  #prompt(request: TranscribeRequest): { prompt?: string } {
    return request.prompt === undefined ? {} : { prompt: request.prompt };
  }

  #classify(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted || error instanceof APIUserAbortError) {
      return new AbortedError('transcription aborted', { cause: error });
    }
    if (error instanceof APIConnectionTimeoutError) {
      return new TransientError(`OpenAI did not answer within ${this.#timeoutMs} ms`, { system: 'openai', cause: error });
    }
    if (error instanceof APIConnectionError && unreachableCode(error) !== undefined) {
      // nothing listens or the name does not resolve: the API is down for every recording
      return new ServiceError('openai', `unreachable (${unreachableCode(error)})`, { system: 'openai', cause: error });
    }
    if (error instanceof APIConnectionError) {
      const reason = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return new TransientError(this.#scrub(`could not reach OpenAI${reason}`), { system: 'openai', cause: error });
    }
    if (!(error instanceof APIError) || error.status === undefined) return error;

    const status = error.status;
    const requestId = error.requestID ?? undefined;
    const context = { system: 'openai', status, requestId, cause: error };
    const body = error.error as { message?: unknown } | undefined;
    const apiMessage = this.#scrub(typeof body?.message === 'string' ? body.message : error.message);
    const tag = `${status}${error.code ? ` ${error.code}` : ''}${requestId ? `, request ${requestId}` : ''}`;
    const shouldRetry = error.headers?.get('x-should-retry');

    if (status === 429 && (error.code === 'insufficient_quota' || error.type === 'insufficient_quota')) {
      return new ServiceError('openai', `quota exhausted; check the plan and billing of the account (${tag})`, context);
    }
    if (shouldRetry === 'true' || (shouldRetry !== 'false' && isTransientStatus(status))) {
      return new TransientError(`OpenAI answered ${tag}: ${apiMessage}`, {
        ...context,
        retryAfterMs: retryAfterMsOf(error.headers),
      });
    }
    if (status === 413) {
      return new PermanentError(`the upload is over OpenAI's 25 MiB request limit (${tag}): ${apiMessage}`, context);
    }
    if (status === 401 || status === 403) {
      // the API echoes a masked key; leave it out altogether
      return new ServiceError('openai', `key rejected; check OPENAI_API_KEY (${tag})`, context);
    }
    return new PermanentError(`OpenAI rejected the transcription (${tag}): ${apiMessage}`, context);
  }

  #scrub(message: string): string {
    return this.#apiKey.length >= 8 ? message.replaceAll(this.#apiKey, '[redacted]') : message;
  }
}

/** Connection errors that mean no server is there at all (as opposed to one dropped request). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function unreachableCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Object; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `retry-after-ms` first (Azure sends it, the SDK reads it), then `Retry-After`. */
function retryAfterMsOf(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(headers?.get('retry-after'));
}

function billedSeconds(usage: { type: string; seconds?: number } | undefined, durationSeconds: number): number {
  return usage?.type === 'duration' && typeof usage.seconds === 'number' ? usage.seconds : durationSeconds;
}

function wholeFile(text: string, durationSeconds: number): OpenAiSegment[] {
  return text === '' ? [] : [{ start: 0, end: durationSeconds, text }];
}

/** Whisper's own spellings that differ from the English names Intl gives. */
const WHISPER_ALIASES: Record<string, string> = {
  myanmar: 'my',
  valencian: 'ca',
  flemish: 'nl',
  haitian: 'ht',
  letzeburgesch: 'lb',
  pushto: 'ps',
  panjabi: 'pa',
  moldavian: 'ro',
  moldovan: 'ro',
  sinhalese: 'si',
  castilian: 'es',
  mandarin: 'zh',
  nynorsk: 'nn',
};

let languageCodes: Map<string, string> | undefined;

/** whisper's `verbose_json.language` is a name ("english"): the ISO-639-1 code, when there is one. */
export function isoCodeOf(language: string | undefined): string | undefined {
  if (language === undefined) return undefined;
  const key = language.trim().toLowerCase();
  if (languageCodes === undefined) {
    const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
    languageCodes = new Map(Object.entries(WHISPER_ALIASES));
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (const first of letters) {
      for (const second of letters) {
        const code = first + second;
        // deprecated aliases (iw, ji, in) canonicalize to another code: keep the current one
        if (Intl.getCanonicalLocales(code)[0] !== code) continue;
        const name = names.of(code)?.toLowerCase();
        if (name !== undefined && !languageCodes.has(name)) languageCodes.set(name, code);
        // some OpenAI-compatible servers already answer with the code
        if (name !== undefined) languageCodes.set(code, code);
      }
    }
  }
  return languageCodes.get(key);
}
