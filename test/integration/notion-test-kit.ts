import { isTransient, retryAfterMsOf } from '../../src/errors.ts';
import { createNotionEmulator, type NotionEmulator, type NotionEmulatorOptions } from '../../src/emulators/notion/notion-emulator.ts';
import { serveApp, type ServedApp } from '../../src/http/serve-app.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { PublishContext, Publisher } from '../../src/publish/publisher.ts';
import { NOTION_PROPERTIES } from '../../src/publish/notion/notion-schema.ts';
import type { Segment, TranscriptDocument } from '../../src/recording.ts';

export const TOKEN = 'ntn_test_token';

export interface NotionKit {
  emulator: NotionEmulator;
  server: ServedApp;
  databaseId: string;
  dataSourceId: string;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * An emulator on a free loopback port with one database (the full §4 schema unless `schema: 'empty'`).
 * Its rate limit is off unless `requestsPerSecond` is given, so only the tests about limits see 429s.
 */
export async function startNotion(options: NotionEmulatorOptions & { schema?: 'full' | 'empty' } = {}): Promise<NotionKit> {
  const emulator = createNotionEmulator({ token: TOKEN, requestsPerSecond: 0, ...options });
  const { databaseId, dataSourceId } = emulator.createDatabase('Call transcripts', options.schema === 'empty' ? {} : NOTION_PROPERTIES);
  const server = await serveApp(emulator.app);
  return { emulator, server, databaseId, dataSourceId, metrics: new Metrics({ defaultMetrics: false }), close: () => server.close() };
}

export function makeDoc(overrides: Partial<TranscriptDocument> = {}): TranscriptDocument {
  const segments: Segment[] = overrides.segments ?? [
    { start: 0.4, end: 4.2, text: 'Thank you for calling Acme, this is Dana.', speaker: 'agent' },
    { start: 4.8, end: 9.1, text: 'Hi, I would like to check on my order.', speaker: 'caller' },
    { start: 65, end: 70, text: 'Of course, one moment please.' },
  ];
  return {
    id: overrides.id ?? 'a1b2c3d4e5f60718',
    sha256: 'a1b2c3d4e5f60718'.padEnd(64, '0'),
    source: 'inbox',
    sourcePath: '/data/inbox/call.wav',
    fileName: 'call.wav',
    receivedAt: '2026-08-21T09:20:00.000Z',
    audio: { durationSeconds: 71.26, channels: 1, sampleRate: 8000, codec: 'gsm_ms' },
    call: {},
    model: 'whisper-1',
    language: 'en',
    text: segments.map((s) => s.text).join(' '),
    redactions: {},
    ...overrides,
    segments,
  };
}

/** The ledger's part in exactly-once: one checkpoint per recording, saved at once. */
export class CheckpointMemory {
  readonly values = new Map<string, string>();
  readonly history: string[] = [];

  context(id: string, signal = new AbortController().signal, audio?: PublishContext['audio']): PublishContext {
    return {
      checkpoint: this.values.get(id),
      saveCheckpoint: async (value: string) => {
        this.values.set(id, value);
        this.history.push(value);
      },
      signal,
      audio,
    };
  }
}

/**
 * What the pipeline does around a publisher: call again with the saved checkpoint after a
 * TransientError, waiting Retry-After (or a short backoff); anything else ends the attempts.
 */
export async function publishWithRetry(
  publisher: Publisher,
  doc: TranscriptDocument,
  memory: CheckpointMemory,
  maxAttempts = 8,
  audio?: PublishContext['audio'],
): Promise<{ result: string; attempts: number; transientErrors: unknown[] }> {
  const transientErrors: unknown[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      return { result: await publisher.publish(doc, memory.context(doc.id, undefined, audio)), attempts: attempt, transientErrors };
    } catch (error) {
      if (!isTransient(error) || attempt >= maxAttempts) throw error;
      transientErrors.push(error);
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterMsOf(error) ?? 50 * attempt, 5_000)));
    }
  }
}

/** Segments whose text adds up to about `chars` characters, each a few sentences long. */
export function longSegments(chars: number, sentence: string): Segment[] {
  const segments: Segment[] = [];
  let total = 0;
  for (let i = 0; total < chars; i++) {
    const text = `${i}: ${sentence.repeat(1 + (i % 4))}`.trim();
    segments.push({ start: i * 7, end: i * 7 + 6, text, speaker: i % 2 === 0 ? 'agent' : 'caller' });
    total += text.length;
  }
  return segments;
}

/** Compares long texts and reports only the first difference (a full diff of 60 kB helps nobody). */
export function firstDifference(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  return `lengths ${actual.length} vs ${expected.length}; first difference at ${i}: ${JSON.stringify(actual.slice(Math.max(0, i - 20), i + 20))} vs ${JSON.stringify(expected.slice(Math.max(0, i - 20), i + 20))}`;
}
