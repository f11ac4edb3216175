import { z } from 'zod';
import { envInt, envText } from './env-value.ts';

/**
 * The OpenAI(-compatible) API. OPENAI_API_KEY is optional here: only the commands that transcribe
 * require it (loadConfig's `transcribes`).
 */
export const openaiConfig = z
  .object({
    OPENAI_API_KEY: envText,
    OPENAI_BASE_URL: envText.pipe(z.url().optional()),
    OPENAI_TIMEOUT_MS: envInt(1000).default(600_000),
    TRANSCRIBE_MODEL: z.string().min(1).default('whisper-1'),
    TRANSCRIBE_LANGUAGE: envText.pipe(z.string().regex(/^[a-z]{2}$/, 'must be an ISO-639-1 code such as en').optional()),
    TRANSCRIBE_PROMPT: envText,
  })
  .transform((e) => ({
    apiKey: e.OPENAI_API_KEY,
    baseURL: e.OPENAI_BASE_URL,
    model: e.TRANSCRIBE_MODEL,
    language: e.TRANSCRIBE_LANGUAGE,
    prompt: e.TRANSCRIBE_PROMPT,
    timeoutMs: e.OPENAI_TIMEOUT_MS,
  }));

export type OpenAiConfig = z.output<typeof openaiConfig>;
