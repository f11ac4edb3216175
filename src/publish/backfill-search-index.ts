import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { RecordingIndex } from '../ledger/recording-index.ts';
import type { TranscriptDocument } from '../recording.ts';
import { indexEntryOf } from './search-index-publisher.ts';

/**
 * Fills an empty RecordingIndex from `transcripts/*.json` (a ledger from before the console, or
 * one rebuilt): transcripts published earlier become searchable too. Does nothing when the index
 * holds anything. A file that cannot be read or parsed is logged and skipped. Returns how many it added.
 */
export async function backfillSearchIndex(index: RecordingIndex, transcriptsDir: string, log: Logger): Promise<number> {
  if ((await index.size()) > 0) return 0;
  const names = (await readdir(transcriptsDir).catch(() => [] as string[])).filter((name) => /^[0-9a-f]{16}\.json$/.test(name));
  let added = 0;
  for (const name of names) {
    try {
      const doc = JSON.parse(await readFile(path.join(transcriptsDir, name), 'utf8')) as TranscriptDocument;
      if (doc.id !== name.slice(0, 16) || !Array.isArray(doc.segments) || typeof doc.call !== 'object' || doc.call === null) throw new Error('not a transcript document');
      await index.put(indexEntryOf(doc));
      added += 1;
    } catch (error) {
      log.warn({ file: name, err: (error as Error).message }, 'transcript not added to the console search index');
    }
  }
  if (added > 0) log.info({ added }, 'console search index filled from the transcripts folder');
  return added;
}
