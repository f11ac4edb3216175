import { createHash } from 'node:crypto';
import { jsonAnswer, textAnswer } from './openai-answers.ts';
import type { ApiAnswer } from './openai-answers.ts';
import { languageNameOf } from './openai-catalog.ts';
import type { TranscriptionRequest } from './openai-request.ts';

/** One emulated utterance; `text` starts with a space as whisper's segment text does. */
export interface EmulatedSegment {
  start: number;
  end: number;
  text: string;
}

/**
 * The deterministic "speech" of an audio file: one segment per `segmentSeconds` of its real
 * duration, naming the first 8 hex digits of its SHA-256, so a test can check which audio was
 * transcribed and that the times follow the audio.
 */
export function emulatedSegments(durationSeconds: number, sha256: string, segmentSeconds: number): EmulatedSegment[] {
  const count = Math.max(1, Math.ceil(durationSeconds / segmentSeconds - 1e-9));
  return Array.from({ length: count }, (_, index) => {
    const start = index * segmentSeconds;
    const end = Math.min((index + 1) * segmentSeconds, durationSeconds);
    return {
      start,
      end,
      text: ` Emulated speech part ${index + 1} of ${count} of audio ${sha256.slice(0, 8)}, ${start.toFixed(1)} to ${end.toFixed(1)} seconds.`,
    };
  });
}

/** Scripted utterances spread evenly over the audio's real duration. */
export function scriptedSegments(durationSeconds: number, script: string[]): EmulatedSegment[] {
  const step = durationSeconds / script.length;
  return script.map((line, index) => ({ start: index * step, end: Math.min((index + 1) * step, durationSeconds), text: ` ${line.trim()}` }));
}

/** The 200 answer for a validated request, in the body shape of its model and format (§1.4). */
export function renderTranscription(request: TranscriptionRequest, segmentSeconds: number, script?: string[]): ApiAnswer {
  const segments = script?.length
    ? scriptedSegments(request.durationSeconds, script)
    : emulatedSegments(request.durationSeconds, request.file.sha256, segmentSeconds);
  const text = segments.map((segment) => segment.text).join('').trim();
  const usage = usageOf(request, text);
  // whisper-1 ignores `stream`; the others answer with server-sent events
  if (request.stream && request.spec.family !== 'whisper') return streamAnswer(request, segments, text, usage);

  switch (request.responseFormat) {
    case 'text':
      return textAnswer(`${text}\n`);
    case 'srt':
      return textAnswer(cues(segments, (i, s) => `${i + 1}\n${clock(s.start, ',')} --> ${clock(s.end, ',')}\n${s.text.trim()}\n\n`));
    case 'vtt':
      return textAnswer(`WEBVTT\n\n${cues(segments, (_, s) => `${clock(s.start, '.')} --> ${clock(s.end, '.')}\n${s.text.trim()}\n\n`)}`);
    case 'verbose_json':
      return jsonAnswer(verboseBody(request, segments, text, usage));
    case 'diarized_json': {
      const diarized = diarizedSegments(request, segments);
      return jsonAnswer({
        task: 'transcribe',
        duration: request.durationSeconds,
        text: diarized.map((segment) => `${segment.speaker}: ${segment.text}`).join('\n'),
        segments: diarized,
        usage,
      });
    }
    case 'json': {
      const body: Record<string, unknown> = { text };
      if (request.include.includes('logprobs')) body['logprobs'] = logprobsOf(text);
      if (request.spec.family === 'gpt-transcribe') body['languages'] = [{ code: request.languages[0] ?? request.language ?? 'en' }];
      body['usage'] = usage;
      return jsonAnswer(body);
    }
  }
}

type Usage = Record<string, unknown>;

function usageOf(request: TranscriptionRequest, text: string): Usage {
  // billed whole seconds, rounded up, as the spec examples show
  if (request.spec.usage === 'duration') return { type: 'duration', seconds: Math.ceil(request.durationSeconds) };
  const audioTokens = Math.ceil(request.durationSeconds * 10);
  const textTokens = request.prompt === undefined ? 0 : Math.ceil(request.prompt.length / 4);
  const outputTokens = Math.ceil(text.length / 4);
  return {
    type: 'tokens',
    input_tokens: audioTokens + textTokens,
    input_token_details: { text_tokens: textTokens, audio_tokens: audioTokens },
    output_tokens: outputTokens,
    total_tokens: audioTokens + textTokens + outputTokens,
  };
}

function verboseBody(request: TranscriptionRequest, segments: EmulatedSegment[], text: string, usage: Usage): unknown {
  const granularities = request.timestampGranularities.length === 0 ? ['segment'] : request.timestampGranularities;
  const body: Record<string, unknown> = {
    task: 'transcribe',
    language: languageNameOf(request.language ?? 'en') ?? 'english',
    duration: request.durationSeconds,
    text,
  };
  if (granularities.includes('segment')) {
    body['segments'] = segments.map((segment, id) => {
      // whisper decodes 30 s windows: `seek` is the window start in 10 ms frames, and the
      // timestamp tokens (50364 + 20 ms steps) are relative to it
      const seek = Math.floor(segment.start / 30) * 3000;
      const stamp = (seconds: number): number => 50364 + Math.round((seconds - seek / 100) / 0.02);
      return {
        id,
        seek,
        start: segment.start,
        end: segment.end,
        text: segment.text,
        tokens: [stamp(segment.start), ...wordsOf(segment.text).map(tokenOf), stamp(segment.end)],
        temperature: request.temperature ?? 0,
        avg_logprob: -0.25,
        compression_ratio: 1.2,
        no_speech_prob: 0.01,
      };
    });
  }
  if (granularities.includes('word')) {
    body['words'] = segments.flatMap((segment) => {
      const words = wordsOf(segment.text);
      const step = (segment.end - segment.start) / words.length;
      // whisper's word entries carry no punctuation ("Sure," is "Sure"); a bare "-" is no word
      return words
        .map((word, i) => ({ word: word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''), start: segment.start + i * step, end: segment.start + (i + 1) * step }))
        .filter((word) => word.word !== '');
    });
  }
  body['usage'] = usage;
  return body;
}

function diarizedSegments(request: TranscriptionRequest, segments: EmulatedSegment[]) {
  // two speakers taking turns; known names replace the letters A, B as the API does
  return segments.map((segment, index) => ({
    type: 'transcript.text.segment',
    id: `seg_${String(index + 1).padStart(3, '0')}`,
    start: segment.start,
    end: segment.end,
    text: segment.text.trim(),
    speaker: request.knownSpeakerNames[index % 2] ?? String.fromCharCode(65 + (index % 2)),
  }));
}

function streamAnswer(request: TranscriptionRequest, segments: EmulatedSegment[], text: string, usage: Usage): ApiAnswer {
  const events: unknown[] = segments.map((segment, index) => ({
    type: 'transcript.text.delta',
    delta: index === 0 ? segment.text.trimStart() : segment.text,
  }));
  if (request.responseFormat === 'diarized_json') events.push(...diarizedSegments(request, segments));
  events.push({ type: 'transcript.text.done', text, usage });
  const body = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
  return { status: 200, contentType: 'text/event-stream; charset=utf-8', body };
}

function cues(segments: EmulatedSegment[], cue: (index: number, segment: EmulatedSegment) => string): string {
  return segments.map((segment, index) => cue(index, segment)).join('');
}

function clock(seconds: number, separator: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const secs = Math.floor(ms / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(ms % 1000, 3)}`;
}

const wordsOf = (text: string): string[] => text.trim().split(/\s+/);

/** A stable fake BPE id below whisper's special tokens (50257+). */
function tokenOf(word: string): number {
  return createHash('sha256').update(word).digest().readUInt32BE(0) % 50257;
}

function logprobsOf(text: string): { token: string; logprob: number; bytes: number[] }[] {
  return wordsOf(text).map((word, index) => {
    const token = index === 0 ? word : ` ${word}`;
    return { token, logprob: -0.05, bytes: [...Buffer.from(token, 'utf8')] };
  });
}
