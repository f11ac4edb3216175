import type { LedgerRow } from './ledger.ts';
import type { RecordingState } from '../recording.ts';

/** What the console may filter the recordings by; every field is optional and they combine with AND. */
export interface RecordingFilter {
  state?: RecordingState;
  /** Inclusive day range, `YYYY-MM-DD` (UTC), on the call time when known, else when the file was found. */
  fromDay?: string;
  toDay?: string;
  /** Case-insensitive substring of the Five9 agent / exact campaign name. */
  agent?: string;
  campaign?: string;
  /** Words that must all occur in the redacted transcript (full-text search). */
  text?: string;
}

/** A ledger row with the call metadata the index holds for its recording id (absent before publishing). */
export interface IndexedRecording {
  row: LedgerRow;
  callTime?: string;
  agent?: string;
  campaign?: string;
  caller?: string;
}

/** What the index keeps of a published transcript: the metadata to filter on and the redacted text. */
export interface IndexEntry {
  id: string;
  callTime?: string;
  agent?: string;
  campaign?: string;
  caller?: string;
  /** The redacted transcript text (never the raw one: the console searches and shows only this). */
  text: string;
}

/**
 * The console's read side of the ledger: recordings joined with their published call metadata,
 * filtered, full-text searched and paginated in the store. SQLite implements it with an FTS5
 * table; PostgreSQL fits with a `tsvector` column (GIN index, `plainto_tsquery`) on the same rows.
 */
export interface RecordingIndex {
  /** Adds or replaces the entry of one recording id (called when its transcript is published). */
  put(entry: IndexEntry): Promise<void>;
  /** How many recording ids are indexed (0 → backfill from the transcripts folder). */
  size(): Promise<number>;
  /** Newest first (by ledger seq); `total` counts every match, not just this page. */
  list(filter: RecordingFilter, page: { offset: number; limit: number }): Promise<{ items: IndexedRecording[]; total: number }>;
  /** The metadata held for one recording id. */
  entry(id: string): Promise<Omit<IndexEntry, 'text'> | undefined>;
  /** Distinct agents and campaigns seen, for the filter form's suggestions (at most `limit` each). */
  facets(limit: number): Promise<{ agents: string[]; campaigns: string[] }>;
}
