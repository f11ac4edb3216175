import { createHash } from 'node:crypto';
import { audioDurationSeconds } from './audio-duration.ts';
import { errorAnswer } from './openai-answers.ts';
import type { ApiAnswer } from './openai-answers.ts';
import {
  AUDIO_EXTENSIONS,
  languageNameOf,
  quoteList,
  RESPONSE_FORMATS,
  TRANSCRIPTION_MODELS,
} from './openai-catalog.ts';
import type { ResponseFormat, TranscriptionModel } from './openai-catalog.ts';

/** The multipart fields as sent, before validation (what the stats can already record). */
export interface TranscriptionForm {
  model?: string;
  responseFormat?: string;
  file?: { name: string; bytes: Uint8Array; sha256: string };
  language?: string;
  languages: string[];
  prompt?: string;
  temperature?: number;
  timestampGranularities: string[];
  include: string[];
  stream: boolean;
  chunkingStrategy?: string | Record<string, string>;
  knownSpeakerNames: string[];
}

/** A request the live API would accept, with the audio's real decoded duration. */
export interface TranscriptionRequest extends Omit<TranscriptionForm, 'model' | 'responseFormat' | 'file'> {
  model: string;
  spec: TranscriptionModel;
  responseFormat: ResponseFormat;
  file: { name: string; bytes: Uint8Array; sha256: string };
  durationSeconds: number;
}

/** Reads the SDK's encoding (§1.2): arrays as repeated `key[]`, objects as `key[sub]` parts. */
export async function readTranscriptionForm(form: FormData): Promise<TranscriptionForm> {
  const text = (key: string): string | undefined => {
    const value = form.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  const list = (key: string): string[] =>
    [...form.getAll(`${key}[]`), ...form.getAll(key)].filter((value): value is string => typeof value === 'string');

  const upload = form.get('file');
  let file: TranscriptionForm['file'];
  if (upload !== null && typeof upload !== 'string') {
    const bytes = new Uint8Array(await upload.arrayBuffer());
    file = { name: upload.name, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  let chunkingStrategy: TranscriptionForm['chunkingStrategy'] = text('chunking_strategy');
  for (const [key, value] of form.entries()) {
    const sub = /^chunking_strategy\[(\w+)\]$/.exec(key)?.[1];
    if (sub !== undefined && typeof value === 'string') {
      chunkingStrategy = { ...(typeof chunkingStrategy === 'object' ? chunkingStrategy : {}), [sub]: value };
    }
  }

  const temperature = text('temperature');
  return {
    model: text('model'),
    responseFormat: text('response_format'),
    file,
    language: text('language'),
    languages: list('languages'),
    prompt: text('prompt'),
    temperature: temperature === undefined ? undefined : Number(temperature),
    timestampGranularities: list('timestamp_granularities'),
    include: list('include'),
    stream: text('stream') === 'true',
    chunkingStrategy,
    knownSpeakerNames: list('known_speaker_names'),
  };
}

const invalid = (message: string, param: string | null, code: string | null): ApiAnswer =>
  errorAnswer(400, message, { param, code });

/**
 * Applies the live API's checks in the order it seems to apply them: fields, model, formats,
 * file name, then the audio itself (decode, length). Returns the first failure as an answer.
 */
export async function validateTranscription(form: TranscriptionForm): Promise<TranscriptionRequest | ApiAnswer> {
  const { model, file } = form;
  if (model === undefined || model === '') return invalid('you must provide a model parameter', null, null);
  const spec = TRANSCRIPTION_MODELS.get(model);
  if (spec === undefined) {
    return errorAnswer(404, `The model \`${model}\` does not exist or you do not have access to it.`, {
      code: 'model_not_found',
    });
  }
  if (file === undefined) return invalid("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');

  const requested = form.responseFormat ?? 'json';
  if (!(RESPONSE_FORMATS as readonly string[]).includes(requested)) {
    const supported = `${RESPONSE_FORMATS.slice(0, -1).map((f) => `'${f}'`).join(', ')}, and '${RESPONSE_FORMATS.at(-1)}'`;
    return invalid(`Invalid value: '${requested}'. Supported values are: ${supported}.`, 'response_format', 'invalid_value');
  }
  const responseFormat = requested as ResponseFormat;
  if (!spec.formats.includes(responseFormat)) {
    return invalid(
      `response_format '${responseFormat}' is not compatible with model '${spec.wireName}'. ` +
        `Use ${quoteList(spec.formats)} instead.`,
      'response_format',
      'unsupported_value',
    );
  }
  for (const granularity of form.timestampGranularities) {
    if (granularity !== 'word' && granularity !== 'segment') {
      return invalid(
        `Invalid value: '${granularity}'. Supported values are: 'word' and 'segment'.`,
        'timestamp_granularities',
        'invalid_value',
      );
    }
  }
  if (form.timestampGranularities.length > 0 && responseFormat !== 'verbose_json') {
    return invalid(
      "timestamp_granularities is only supported with response_format 'verbose_json'.",
      'timestamp_granularities',
      'unsupported_value',
    );
  }
  if (form.include.length > 0 && (spec.family !== 'gpt-4o' || responseFormat !== 'json')) {
    return invalid(`include is not supported with model '${spec.wireName}' and response_format '${responseFormat}'.`, 'include', 'unsupported_value');
  }
  if (form.prompt !== undefined && spec.family === 'diarize') {
    return invalid(`prompt is not supported with model '${spec.wireName}'.`, 'prompt', 'unsupported_value');
  }
  for (const code of [form.language, ...form.languages]) {
    if (code !== undefined && languageNameOf(code) === undefined) {
      return invalid(
        `Invalid language '${code}'. Language parameter must be specified in ISO-639-1 format.`,
        'language',
        'invalid_language_format',
      );
    }
  }
  const strategy = form.chunkingStrategy;
  if (strategy !== undefined && (typeof strategy === 'string' ? strategy !== 'auto' : strategy.type !== 'server_vad')) {
    return invalid(`Invalid value for chunking_strategy: ${JSON.stringify(strategy)}.`, 'chunking_strategy', 'invalid_value');
  }

  const extension = /\.([^./\\]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? file.name;
  if (!AUDIO_EXTENSIONS.has(extension)) {
    return invalid(`Unsupported file format ${extension}`, 'file', 'unsupported_value');
  }
  const durationSeconds = await audioDurationSeconds(file.bytes, file.name);
  if (durationSeconds === undefined) {
    return invalid('Audio file might be corrupted or unsupported', 'file', 'invalid_value');
  }
  if (durationSeconds < 0.1) {
    return invalid('Audio file is too short. Minimum audio length is 0.1 seconds.', 'file', 'audio_too_short');
  }
  if (spec.maxSeconds !== undefined && durationSeconds > spec.maxSeconds) {
    return invalid(
      `audio duration ${durationSeconds.toFixed(6)} seconds is longer than ${spec.maxSeconds} seconds ` +
        'which is the maximum for this model',
      null,
      'invalid_value',
    );
  }
  if (spec.family === 'diarize' && durationSeconds > 30 && strategy === undefined) {
    return invalid('chunking_strategy is required for diarization models', 'chunking_strategy', 'missing_required_parameter');
  }
  return { ...form, model, spec, responseFormat, file, durationSeconds };
}
