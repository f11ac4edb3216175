import { serveApp } from '../src/http/serve-app.ts';
import { createNotionEmulator } from '../src/emulators/notion/notion-emulator.ts';
import { Metrics } from '../src/observability/metrics.ts';
import { NotionPublisher } from '../src/publish/notion/notion-publisher.ts';
import { NOTION_PROPERTIES } from '../src/publish/notion/notion-schema.ts';
import type { Segment, TranscriptDocument } from '../src/recording.ts';

const SHORT_RECORDINGS = Number(process.env.BENCH_NOTION_RECORDINGS ?? 60);

function doc(id: string, segments: Segment[]): TranscriptDocument {
  return {
    id,
    sha256: id.padEnd(64, '0'),
    source: 'sftp',
    sourcePath: `/recordings/${id}.wav`,
    fileName: `${id}.wav`,
    receivedAt: new Date().toISOString(),
    audio: { durationSeconds: segments.at(-1)?.end ?? 0, channels: 1, sampleRate: 8000, codec: 'gsm_ms' },
    call: { caller: '5551234567', agent: 'agent@example.com', campaign: 'Renewals', leg: 'agent', callTime: new Date().toISOString() },
    model: 'whisper-1',
    language: 'en',
    text: segments.map((s) => s.text).join(' '),
    segments,
    redactions: {},
  };
}

const sentence = 'Thank you for calling, I can help you with the renewal of your policy today. ';
const shortSegments = (): Segment[] => [0, 1, 2, 3].map((i) => ({ start: i * 5, end: i * 5 + 4, text: sentence }));
/** About 60,000 characters: a long call of ~45 minutes. */
const longSegments = (): Segment[] => Array.from({ length: 780 }, (_, i) => ({ start: i * 3.5, end: i * 3.5 + 3, text: sentence }));

/** Notion requests per recording, and recordings/minute under the default limiter (3 requests/s). */
export async function notionBench(): Promise<void> {
  // the emulator enforces Notion's classic 3 requests/s average with bursts
  const emulator = createNotionEmulator({ token: 'ntn_bench', requestsPerSecond: 3, burst: 10 });
  const { databaseId } = emulator.createDatabase('Call transcripts', NOTION_PROPERTIES);
  const server = await serveApp(emulator.app);
  const publisher = new NotionPublisher({ token: 'ntn_bench', databaseId, baseUrl: server.url, metrics: new Metrics({ defaultMetrics: false }) });
  const publish = async (d: TranscriptDocument) => {
    let checkpoint: string | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        return await publisher.publish(d, { checkpoint, saveCheckpoint: async (v) => void (checkpoint = v), signal: new AbortController().signal });
      } catch (error) {
        if (attempt > 5) throw error;
      }
    }
  };
  try {
    await publish(doc('warmup0000000000', shortSegments())); // resolves the data source once per process
    const count = () => emulator.requests.length;
    let before = count();
    await publish(doc('short00000000000', shortSegments()));
    const shortRequests = count() - before;
    before = count();
    const long = doc('long000000000000', longSegments());
    await publish(long);
    const longRequests = count() - before;
    console.log(`Notion requests per recording: short transcript ${shortRequests}; long transcript (${long.text.length} chars, ${long.segments.length} paragraphs) ${longRequests}`);

    before = count();
    const limited = emulator.requests.filter((r) => r.status === 429).length;
    const started = process.hrtime.bigint();
    const queue = Array.from({ length: SHORT_RECORDINGS }, (_, i) => doc(`rate${String(i).padStart(12, '0')}`, shortSegments()));
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await publish(next);
    }));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perMinute = (SHORT_RECORDINGS / seconds) * 60;
    const ceiling = (3 * 60) / shortRequests;
    console.log(
      `${SHORT_RECORDINGS} short recordings from 8 workers under the default limiter: ${perMinute.toFixed(0)} recordings/min ` +
        `(ceiling at 3 requests/s: ${ceiling.toFixed(0)}/min, ratio ${(perMinute / ceiling).toFixed(2)}); ` +
        `429s answered: ${emulator.requests.filter((r) => r.status === 429).length - limited}`,
    );
  } finally {
    await server.close();
  }
}
