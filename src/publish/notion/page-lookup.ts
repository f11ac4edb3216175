import { isFullPage } from '@notionhq/client';
import type { NotionApi } from './notion-api.ts';

/**
 * The page already written for a recording, found by its `Recording ID`: how a create whose
 * outcome was unknown (timeout, 5xx, crash) is adopted instead of repeated. If several exist
 * (written before this check existed), the oldest wins.
 */
export async function findPageByRecordingId(api: NotionApi, dataSourceId: string, recordingId: string, signal?: AbortSignal): Promise<string | undefined> {
  const response = await api.call('dataSources.query', (client) =>
    client.dataSources.query({
      data_source_id: dataSourceId,
      filter: { property: 'Recording ID', rich_text: { equals: recordingId } },
      sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
      page_size: 10,
    }), signal);
  return response.results.find((result) => result.object === 'page' && (!isFullPage(result) || !result.in_trash))?.id;
}

/** Top-level blocks of a page, counted through every result page (100 per request). */
export async function countChildBlocks(api: NotionApi, pageId: string, signal?: AbortSignal): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const response = await api.call('blocks.children.list', (client) =>
      client.blocks.children.list({ block_id: pageId, page_size: 100, start_cursor: cursor }), signal);
    count += response.results.length;
    cursor = response.has_more ? (response.next_cursor ?? undefined) : undefined;
  } while (cursor !== undefined);
  return count;
}
