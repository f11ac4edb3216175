/**
 * The recording's audio on its page (`NOTION_ATTACH_AUDIO`): while uploading, the file upload
 * with how many of its parts were sent and whether Notion holds the whole file (`uploaded`);
 * then the audio block (`blockId`); or why the audio was not attached (`skipped`).
 */
export type AudioCheckpoint =
  | { skipped: string }
  | { uploadId: string; parts: number; sentParts: number; uploaded?: true }
  | { blockId: string; uploadId?: string };

/**
 * What the Notion publisher remembers for one recording in the ledger:
 * `{creating:true}` before the page create is sent (its outcome may become unknown), then
 * `{pageId, appendedBlocks}` after the create and after every append, then `audio` once the
 * transcript is whole and an audio attachment is under way.
 */
export type NotionCheckpoint = { creating: true } | { pageId: string; appendedBlocks?: number; audio?: AudioCheckpoint };

/** Reads a saved checkpoint; anything unreadable is treated as "a create may have happened". */
export function parseCheckpoint(value: string | undefined): NotionCheckpoint | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const bareId = value.trim();
  if (/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(bareId)) return { pageId: bareId };
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null) {
      const { pageId, appendedBlocks, audio } = parsed as { pageId?: unknown; appendedBlocks?: unknown; audio?: unknown };
      if (typeof pageId === 'string' && pageId !== '') {
        const checkpoint: NotionCheckpoint = { pageId };
        if (Number.isInteger(appendedBlocks)) checkpoint.appendedBlocks = appendedBlocks as number;
        const audioCheckpoint = parseAudio(audio);
        if (audioCheckpoint !== undefined) checkpoint.audio = audioCheckpoint;
        return checkpoint;
      }
    }
  } catch {
    // fall through: unreadable
  }
  return { creating: true };
}

export function formatCheckpoint(checkpoint: NotionCheckpoint): string {
  return JSON.stringify(checkpoint);
}

/** An unreadable audio part is dropped: the attacher then checks the page before uploading anything. */
function parseAudio(value: unknown): AudioCheckpoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const audio = value as Record<string, unknown>;
  if (typeof audio.skipped === 'string') return { skipped: audio.skipped };
  const { uploadId, parts, sentParts, uploaded, blockId } = audio;
  if (typeof blockId === 'string') return typeof uploadId === 'string' ? { blockId, uploadId } : { blockId };
  if (typeof uploadId !== 'string' || !Number.isInteger(parts) || !Number.isInteger(sentParts)) return undefined;
  const checkpoint = { uploadId, parts: parts as number, sentParts: sentParts as number };
  return uploaded === true ? { ...checkpoint, uploaded: true } : checkpoint;
}
