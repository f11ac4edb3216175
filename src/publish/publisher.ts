import type { TranscriptDocument } from '../recording.ts';

/** What a publisher gets besides the transcript: its own checkpoint and a way to advance it. */
export interface PublishContext {
  /**
   * The checkpoint an earlier, interrupted attempt of this publisher saved for this recording
   * (e.g. `{"pageId":"…","appendedBlocks":200}` for Notion), or undefined on the first attempt.
   */
  checkpoint?: string;
  /** Persists progress at once (e.g. right after a page is created) so a crash resumes from here. */
  saveCheckpoint(value: string): Promise<void>;
  signal: AbortSignal;
  /**
   * The recording's normalized audio file, for publishers that can attach it (Notion with
   * `NOTION_ATTACH_AUDIO`): where it is, the name and MIME type to give it, its size in bytes.
   * It stays on disk until publishing is over; publishers must not move or change it.
   */
  audio?: { path: string; fileName: string; contentType: string; bytes: number };
}

/**
 * A sink for finished transcripts (local files, Notion, …). `publish` must be idempotent given
 * its checkpoint: called again after a crash or a retry it must not create a second copy.
 * It returns the final checkpoint value (a reference to what was written: a path, a page id).
 * Errors are classified (TransientError / PermanentError) by the publisher.
 */
export interface Publisher {
  /** Stable name, used as the ledger checkpoint key `publish:<name>` (`files`, `notion`). */
  readonly name: string;
  /** True when it uses `PublishContext.audio` (a playable copy is then made for it). */
  readonly wantsAudio?: boolean;
  publish(doc: TranscriptDocument, context: PublishContext): Promise<string>;
  /** Cheap readiness check for /ready and `recpipe doctor` (e.g. auth); throws when unusable. */
  check?(signal?: AbortSignal): Promise<string>;
}
