import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import OpenAI, { toStreamingFile } from 'openai';
import type { TranscriptionDiarized } from 'openai/resources/audio/transcriptions';
import type { Segment } from '../recording.ts';
import { uploadFetch } from '../upload-fetch.ts';
import { withRequestSignal } from '../request-signal.ts';
import { classifyOpenAiError } from './classify-openai-error.ts';
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

/** The fields every transcription request carries. */
interface TranscriptionFields {
  file: ReturnType<typeof toStreamingFile>;
  model: string;
  language?: string;
}

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
      // uploads stream from disk without a copy held in memory (see upload-fetch.ts)
      fetch: uploadFetch,
    });
  }

  async transcribe(request: TranscribeRequest): Promise<OpenAiTranscribeResult> {
    const { signal } = request;
    try {
      signal?.throwIfAborted();
      // streamed from disk, never buffered: a File (toFile, or even a file-backed Blob, which
      // Node 20 reads ahead whole) held each 24 MiB request two or three times over, and fetch's
      // redirect copy once more (issue 9; uploadFetch above).
      // The SDK does not retry a streaming body (api-contracts trap 2), which costs nothing
      // here: it makes one attempt anyway (maxRetries 0) and the pipeline's retry calls this
      // again, re-opening the file.
      const name = basename(request.filePath);
      const type = MEDIA_TYPES[extname(name).toLowerCase()];
      const file = toStreamingFile(createReadStream(request.filePath, { highWaterMark: 64 * 1024 }), name, type === undefined ? undefined : { type });
      signal?.throwIfAborted();
      const common = { file, model: this.model, ...(request.language === undefined ? {} : { language: request.language }) };
      return await withRequestSignal(signal, (requestSignal) => this.#send(common, request, requestSignal === undefined ? {} : { signal: requestSignal }));
    } catch (error) {
      throw this.#classify(error, signal);
    }
  }

  /** One transcription request, its answer read in the shape the model gives. */
  async #send(common: TranscriptionFields, request: TranscribeRequest, options: { signal?: AbortSignal }): Promise<OpenAiTranscribeResult> {
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
  }

  #prompt(request: TranscribeRequest): { prompt?: string } {
    return request.prompt === undefined ? {} : { prompt: request.prompt };
  }

  #classify(error: unknown, signal: AbortSignal | undefined): unknown {
    return classifyOpenAiError(error, { signal, timeoutMs: this.#timeoutMs, apiKey: this.#apiKey });
  }
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
