import { extractDatabaseId, isFullPage } from '@notionhq/client';
import { NotionApi } from './notion-api.ts';
import { RateLimiter } from './rate-limiter.ts';

/** Where the pages are: `Config.notion`'s token, database and base URL. */
export interface NotionTarget {
  token: string;
  databaseId: string;
  baseUrl?: string;
  requestsPerSecond?: number;
}

/**
 * Moves every page of each recording to Notion's trash through the API (`in_trash: true`, which
 * the workspace empties after 30 days), for erasure requests. Pages are found by `Recording ID`,
 * plus any page id the ledger remembers, so an older duplicate page is not missed.
 * Returns the page ids trashed per recording id; errors are classified (NotionApi) and thrown.
 */
export async function trashRecordingPages(target: NotionTarget, recordings: Array<{ id: string; knownPageIds: string[] }>): Promise<Map<string, string[]>> {
  const api = new NotionApi({ token: target.token, baseUrl: target.baseUrl, limiter: new RateLimiter(target.requestsPerSecond ?? 3) });
  const databaseId = extractDatabaseId(target.databaseId) ?? target.databaseId;
  const database = await api.call('databases.retrieve', (c) => c.databases.retrieve({ database_id: databaseId }));
  const sources = 'data_sources' in database ? database.data_sources : [];
  const trashed = new Map<string, string[]>();
  for (const recording of recordings) {
    const pageIds = new Set(recording.knownPageIds);
    for (const source of sources) {
      let cursor: string | undefined;
      do {
        const response = await api.call('dataSources.query', (c) =>
          c.dataSources.query({ data_source_id: source.id, filter: { property: 'Recording ID', rich_text: { equals: recording.id } }, start_cursor: cursor, page_size: 100 }),
        );
        for (const page of response.results) if (page.object === 'page' && (!isFullPage(page) || !page.in_trash)) pageIds.add(page.id);
        cursor = response.has_more ? (response.next_cursor ?? undefined) : undefined;
      } while (cursor !== undefined);
    }
    const done: string[] = [];
    for (const pageId of pageIds) {
      const page = await api.call('pages.retrieve', (c) => c.pages.retrieve({ page_id: pageId })).catch((error: unknown) => {
        // a remembered page someone already deleted for good: nothing left to erase
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      });
      if (page === undefined) continue;
      if (!isFullPage(page) || !page.in_trash) await api.call('pages.update', (c) => c.pages.update({ page_id: pageId, in_trash: true }));
      done.push(pageId);
    }
    trashed.set(recording.id, done);
  }
  return trashed;
}
