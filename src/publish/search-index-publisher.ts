import type { RecordingIndex } from '../ledger/recording-index.ts';
import type { TranscriptDocument } from '../recording.ts';
import type { Publisher } from './publisher.ts';

/** The index entry of a transcript: its call metadata and its (already redacted) text. */
export function indexEntryOf(doc: TranscriptDocument): Parameters<RecordingIndex['put']>[0] {
  const text = doc.text || doc.segments.map((s) => s.text).join(' ');
  return { id: doc.id, callTime: doc.call.callTime, agent: doc.call.agent, campaign: doc.call.campaign, caller: doc.call.caller, text };
}

/**
 * Makes a published transcript findable in the console: writes its metadata and redacted text to
 * the ledger's RecordingIndex. Idempotent (an upsert per recording id); runs after the files
 * publisher, so the console never finds a recording whose transcript file is not written yet.
 */
export class SearchIndexPublisher implements Publisher {
  readonly name = 'index';

  constructor(private readonly index: RecordingIndex) {}

  async publish(doc: TranscriptDocument): Promise<string> {
    await this.index.put(indexEntryOf(doc));
    return doc.id;
  }
}
