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

/** A page's top-level blocks: how many, and which of them are audio blocks (an attached recording). */
export interface ChildBlocks {
  count: number;
  audioBlockIds: string[];
}

/** Lists a page's top-level blocks through every result page (100 per request). */
export async function childBlocks(api: NotionApi, pageId: string, signal?: AbortSignal): Promise<ChildBlocks> {
  let count = 0;
  const audioBlockIds: string[] = [];
  let cursor: string | undefined;
  do {
    const response = await api.call('blocks.children.list', (client) =>
      client.blocks.children.list({ block_id: pageId, page_size: 100, start_cursor: cursor }), signal);
    count += response.results.length;
    for (const block of response.results) if ('type' in block && block.type === 'audio') audioBlockIds.push(block.id);
    cursor = response.has_more ? (response.next_cursor ?? undefined) : undefined;
  } while (cursor !== undefined);
  return { count, audioBlockIds };
}
