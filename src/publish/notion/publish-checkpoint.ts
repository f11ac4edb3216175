/**
 * What the Notion publisher remembers for one recording in the ledger:
 * `{creating:true}` before the page create is sent (its outcome may become unknown), then
 * `{pageId, appendedBlocks}` after the create and after every append.
 */
export type NotionCheckpoint = { creating: true } | { pageId: string; appendedBlocks?: number };

/** Reads a saved checkpoint; anything unreadable is treated as "a create may have happened". */
export function parseCheckpoint(value: string | undefined): NotionCheckpoint | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const bareId = value.trim();
  if (/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(bareId)) return { pageId: bareId };
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null) {
      const { pageId, appendedBlocks } = parsed as { pageId?: unknown; appendedBlocks?: unknown };
      if (typeof pageId === 'string' && pageId !== '') {
        return Number.isInteger(appendedBlocks) ? { pageId, appendedBlocks: appendedBlocks as number } : { pageId };
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
