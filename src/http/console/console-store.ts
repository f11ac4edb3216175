import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Ledger, LedgerRow } from '../../ledger/ledger.ts';
import type { IndexedRecording, IndexEntry, RecordingFilter, RecordingIndex } from '../../ledger/recording-index.ts';
import type { CallMetadata, TranscriptDocument } from '../../recording.ts';
import { isInside } from '../../pipeline/archive-recording.ts';

/** Everything the recording page shows about one ledger row. */
export interface RecordingDetail {
  row: LedgerRow;
  meta?: Omit<IndexEntry, 'text'>;
  /** The published (redacted) transcript, when there is one. */
  transcript?: TranscriptDocument;
  /** The recording's Notion page, from the `publish:notion` checkpoint. */
  notionUrl?: string;
  /** True when the archived audio can be played from `/recordings/<seq>/audio`. */
  hasAudio: boolean;
}

/** The archived audio of a recording, ready to stream. */
export interface AudioFile {
  path: string;
  contentType: string;
  bytes: number;
}

const AUDIO_TYPES: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.webm': 'audio/webm',
};

/**
 * The console's narrow view of the service: the ledger (state, stage, reason, attention, where
 * the audio is), its RecordingIndex (filters, search) and the transcripts folder. Paths always
 * come from the ledger, never from a request.
 */
export class ConsoleStore {
  constructor(
    private readonly ledger: Ledger,
    private readonly index: RecordingIndex,
    private readonly paths: { transcriptsDir: string; processedDir: string },
    /**
     * The call metadata a row's file name gives (the pipeline's Five9 enricher), shown for rows not
     * published yet (pending, failed); the filters only know published ones.
     */
    private readonly callOf?: (row: LedgerRow) => CallMetadata,
  ) {}

  async list(filter: RecordingFilter, page: { offset: number; limit: number }): Promise<{ items: IndexedRecording[]; total: number }> {
    const { items, total } = await this.index.list(filter, page);
    return { total, items: items.map((item) => (item.callTime || item.agent || item.campaign || item.caller ? item : { ...this.named(item.row), row: item.row })) };
  }

  private named(row: LedgerRow): Omit<IndexedRecording, 'row'> {
    const call = this.callOf?.(row) ?? {};
    return { callTime: call.callTime, agent: call.agent, campaign: call.campaign, caller: call.caller };
  }

  facets(): Promise<{ agents: string[]; campaigns: string[] }> {
    return this.index.facets(200);
  }

  async failedCount(): Promise<number> {
    return (await this.ledger.status({ failures: 0 })).counts.failed;
  }

  async recording(seq: number): Promise<RecordingDetail | undefined> {
    const row = await this.ledger.get(seq);
    if (!row) return undefined;
    const detail: RecordingDetail = { row, hasAudio: (await this.audio(seq)) !== undefined, meta: { id: row.id ?? '', ...this.named(row) } };
    if (!row.id) return detail;
    detail.meta = (await this.index.entry(row.id)) ?? detail.meta;
    detail.transcript = await this.transcript(row.id);
    const notion = (await this.ledger.checkpoints(row.id)).get('publish:notion');
    if (notion) detail.notionUrl = notionPageUrl(notion);
    return detail;
  }

  /** The archived audio, only for a known row whose file is inside `processed/`. */
  async audio(seq: number): Promise<AudioFile | undefined> {
    const row = await this.ledger.get(seq);
    if (!row?.localPath || !isInside(this.paths.processedDir, row.localPath)) return undefined;
    const contentType = AUDIO_TYPES[path.extname(row.localPath).toLowerCase()];
    if (!contentType) return undefined;
    const info = await stat(row.localPath).catch(() => undefined);
    return info?.isFile() ? { path: row.localPath, contentType, bytes: info.size } : undefined;
  }

  /** Puts one failed recording back to pending; false when it was not failed. */
  async retry(seq: number): Promise<boolean> {
    return (await this.ledger.retry([seq])).length === 1;
  }

  /** Puts every failed recording back to pending; returns how many. */
  async retryAllFailed(): Promise<number> {
    const failed = await this.ledger.failedRows();
    return (await this.ledger.retry(failed.map((r) => r.seq))).length;
  }

  private async transcript(id: string): Promise<TranscriptDocument | undefined> {
    if (!/^[0-9a-f]{16}$/.test(id)) return undefined;
    try {
      const doc = JSON.parse(await readFile(path.join(this.paths.transcriptsDir, `${id}.json`), 'utf8')) as TranscriptDocument;
      return doc.id === id && Array.isArray(doc.segments) ? doc : undefined;
    } catch {
      return undefined;
    }
  }
}

/** `https://www.notion.so/<page id>` from the Notion publisher's checkpoint (`{"pageId":…}`). */
function notionPageUrl(checkpoint: string): string | undefined {
  try {
    const { pageId } = JSON.parse(checkpoint) as { pageId?: unknown };
    if (typeof pageId !== 'string' || !/^[0-9a-f-]{32,36}$/i.test(pageId)) return undefined;
    return `https://www.notion.so/${pageId.replaceAll('-', '')}`;
  } catch {
    return undefined;
  }
}
