import type { BlockObjectRequest } from '@notionhq/client';

/** Notion's limits per request: 100 children, 500 KB of body. */
export const MAX_BLOCKS_PER_REQUEST = 100;
/** Below 500 KB with room for the envelope (`{"children":[…]}`, parent, the page's properties). */
export const MAX_REQUEST_BYTES = 450_000;

/**
 * How many of `blocks` (from the start) fit in one request that already carries `reservedBytes`
 * of other fields: at most 100 blocks and `MAX_REQUEST_BYTES` of JSON. Always at least one, so
 * a caller never loops; a single block is kept far below the limit by `transcriptBlocks`.
 */
export function nextBatchSize(blocks: readonly BlockObjectRequest[], reservedBytes = 0): number {
  let bytes = reservedBytes;
  let count = 0;
  for (const block of blocks) {
    if (count === MAX_BLOCKS_PER_REQUEST) break;
    // +1 for the comma between array elements
    bytes += Buffer.byteLength(JSON.stringify(block), 'utf8') + 1;
    if (count > 0 && bytes > MAX_REQUEST_BYTES) break;
    count += 1;
  }
  return count;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
