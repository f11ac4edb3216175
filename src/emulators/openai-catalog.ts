/** `response_format` values of `POST /v1/audio/transcriptions`, in the order the API lists them. */
export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export type ModelFamily = 'whisper' | 'gpt-4o' | 'diarize' | 'gpt-transcribe';

/** What the emulator knows about one transcription model (api-contracts.md §1.3). */
export interface TranscriptionModel {
  family: ModelFamily;
  formats: readonly ResponseFormat[];
  /** The name live error messages carry: the backend appends an internal deployment suffix. */
  wireName: string;
  usage: 'duration' | 'tokens';
  /** Longest accepted audio in seconds; absent means no cap was observed. */
  maxSeconds?: number;
}

const gpt4o = (name: string): TranscriptionModel => ({
  family: 'gpt-4o',
  formats: ['json', 'text'],
  wireName: `${name}-api-ev3`,
  usage: 'tokens',
  // Reports put gpt-4o-transcribe's cap near 1,500 s; our product issue saw 1,400 s rejected the
  // same way as -diarize, so the emulator enforces the stricter number for the whole family.
  maxSeconds: 1400,
});

export const TRANSCRIPTION_MODELS: ReadonlyMap<string, TranscriptionModel> = new Map([
  ['whisper-1', { family: 'whisper', formats: ['json', 'text', 'srt', 'verbose_json', 'vtt'], wireName: 'whisper-1', usage: 'duration' }],
  ['gpt-4o-transcribe', gpt4o('gpt-4o-transcribe')],
  ['gpt-4o-mini-transcribe', gpt4o('gpt-4o-mini-transcribe')],
  ['gpt-4o-mini-transcribe-2025-12-15', gpt4o('gpt-4o-mini-transcribe-2025-12-15')],
  [
    'gpt-4o-transcribe-diarize',
    {
      family: 'diarize',
      formats: ['json', 'text', 'diarized_json'],
      wireName: 'gpt-4o-transcribe-diarize-api-ev3',
      usage: 'duration',
      maxSeconds: 1400,
    },
  ],
  ['gpt-transcribe', { family: 'gpt-transcribe', formats: ['json', 'text'], wireName: 'gpt-transcribe-api-ev3', usage: 'duration' }],
] satisfies [string, TranscriptionModel][]);

/** File extensions the API decodes; the filename, not the part's Content-Type, decides (trap in §1.2). */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  'flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm',
]);

const displayNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/**
 * The lower-case English name whisper puts in `verbose_json.language` ("english"), or
 * `undefined` when `code` is not an ISO-639-1 code.
 */
export function languageNameOf(code: string): string | undefined {
  if (!/^[a-z]{2}$/.test(code)) return undefined;
  try {
    return displayNames.of(code)?.toLowerCase();
  } catch {
    return undefined;
  }
}

/** "'json' or 'text'", "'json', 'text' or 'diarized_json'": how the live 400 lists alternatives. */
export function quoteList(values: readonly string[], last = 'or'): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${last} ${quoted.at(-1)}`;
}
