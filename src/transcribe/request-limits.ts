/** What one transcription request may carry. */
export interface RequestLimits {
  /** Bytes of audio per request (the multipart body adds ~1 KiB of fields and the prompt). */
  maxBytes: number;
  /** Seconds of audio per request; absent when the model has no duration cap. */
  maxSeconds?: number;
}

/** OpenAI refuses a request body over 26,214,400 bytes (413): audio gets ~1 MiB less. */
export const DEFAULT_MAX_AUDIO_BYTES = 24 * 1024 * 1024;

/** The gpt-4o transcription models (and -diarize) refuse audio longer than 1,400 s. */
export const GPT_4O_MAX_SECONDS = 1400;

/**
 * The limits for `model`: 24 MiB of audio for every model, and 1,400 s for the `gpt-4o-*`
 * family (whisper-1, gpt-transcribe and self-hosted Whisper servers have no duration cap).
 * `overrides` (CHUNK_MAX_BYTES, CHUNK_MAX_SECONDS) win.
 */
export function requestLimitsFor(model: string, overrides: Partial<RequestLimits> = {}): RequestLimits {
  const maxSeconds = overrides.maxSeconds ?? (model.startsWith('gpt-4o') ? GPT_4O_MAX_SECONDS : undefined);
  return { maxBytes: overrides.maxBytes ?? DEFAULT_MAX_AUDIO_BYTES, ...(maxSeconds === undefined ? {} : { maxSeconds }) };
}
