import { type BlockObjectRequest, extractDatabaseId } from '@notionhq/client';
import type { Logger } from 'pino';
import { PermanentError } from '../../errors.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { TranscriptDocument } from '../../recording.ts';
import type { PublishContext, Publisher } from '../publisher.ts';
import { jsonBytes, nextBatchSize } from './block-batches.ts';
import { NotionApi } from './notion-api.ts';
import { countChildBlocks, findPageByRecordingId } from './page-lookup.ts';
import { pageProperties } from './page-properties.ts';
import { formatCheckpoint, parseCheckpoint } from './publish-checkpoint.ts';
import { RateLimiter } from './rate-limiter.ts';
import { transcriptBlocks } from './transcript-blocks.ts';

interface PageProgress {
  pageId: string;
  /** Top-level blocks the page already has. */
  appended: number;
}

export interface NotionPublisherOptions {
  /** Integration token (`ntn_…` / `secret_…`). */
  token: string;
  /** The target database (id or URL); its first data source receives the pages. */
  databaseId: string;
  /** API origin without `/v1` (the SDK adds it); default `https://api.notion.com`. */
  baseUrl?: string;
  /** Average Notion requests per second for this process (default 3); ignored when `limiter` is given. */
  requestsPerSecond?: number;
  /** A limiter to share with other Notion users of the process; by default the publisher builds one. */
  limiter?: RateLimiter;
  /** Per-request timeout in ms (default 25 000). */
  timeoutMs?: number;
  /** IANA zone for the local time in page names (default `UTC`). */
  timeZone?: string;
  metrics?: Metrics;
  logger?: Logger;
}

/**
 * Publishes each transcript as one page of a Notion database, exactly once.
 * The page id is checkpointed right after the create and after every append; a create whose
 * outcome is unknown is never repeated blindly but looked up by `Recording ID` first; an
 * interrupted body resumes after the last block the page really has.
 */
export class NotionPublisher implements Publisher {
  readonly name = 'notion';
  readonly #api: NotionApi;
  readonly #databaseId: string;
  readonly #timeZone: string;
  readonly #logger?: Logger;
  #dataSourceId: Promise<string> | undefined;

  constructor(options: NotionPublisherOptions) {
    this.#databaseId = extractDatabaseId(options.databaseId) ?? options.databaseId;
    this.#timeZone = options.timeZone ?? 'UTC';
    this.#logger = options.logger;
    this.#api = new NotionApi({
      token: options.token,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      limiter: options.limiter ?? new RateLimiter(options.requestsPerSecond ?? 3),
      metrics: options.metrics,
      logger: options.logger,
    });
  }

  async publish(doc: TranscriptDocument, context: PublishContext): Promise<string> {
    const log = this.#logger?.child({ recordingId: doc.id, publisher: this.name });
    const blocks = transcriptBlocks(doc);
    const saved = parseCheckpoint(context.checkpoint);
    if (saved !== undefined && 'pageId' in saved && saved.appendedBlocks !== undefined && saved.appendedBlocks >= blocks.length) {
      return formatCheckpoint(saved);
    }
    const page = saved !== undefined && 'pageId' in saved ? await this.#resume(saved.pageId, context, log) : await this.#open(doc, blocks, saved !== undefined, context, log);

    let appended = page.appended;
    while (appended < blocks.length) {
      const rest = blocks.slice(appended);
      const count = nextBatchSize(rest, jsonBytes({ children: [] }));
      await this.#api.call('blocks.children.append', (c) => c.blocks.children.append({ block_id: page.pageId, children: rest.slice(0, count) }), context.signal);
      appended += count;
      await context.saveCheckpoint(formatCheckpoint({ pageId: page.pageId, appendedBlocks: appended }));
    }
    return formatCheckpoint({ pageId: page.pageId, appendedBlocks: appended });
  }

  /** A page from an interrupted attempt: its real block count says where to continue. */
  async #resume(pageId: string, context: PublishContext, log: Logger | undefined): Promise<PageProgress> {
    // the checkpoint may lag one append behind: a request can land after we stopped listening
    const appended = await countChildBlocks(this.#api, pageId, context.signal);
    log?.info({ pageId, pageBlocks: appended }, 'resuming notion page');
    return { pageId, appended };
  }

  /**
   * Creates the page with its first blocks, unless an earlier attempt may already have done so
   * (`uncertain`: a checkpoint exists without a page id), in which case the page found by
   * `Recording ID` is adopted. Either way the page id is checkpointed before returning.
   */
  async #open(doc: TranscriptDocument, blocks: BlockObjectRequest[], uncertain: boolean, context: PublishContext, log: Logger | undefined): Promise<PageProgress> {
    const dataSourceId = await this.#resolveDataSource();
    let page: PageProgress | undefined;
    const found = uncertain ? await findPageByRecordingId(this.#api, dataSourceId, doc.id, context.signal) : undefined;
    if (found !== undefined) {
      page = { pageId: found, appended: await countChildBlocks(this.#api, found, context.signal) };
      log?.info({ pageId: found, pageBlocks: page.appended }, 'adopted notion page from an earlier attempt');
    } else {
      const properties = pageProperties(doc, this.#timeZone);
      const parent = { type: 'data_source_id' as const, data_source_id: dataSourceId };
      const first = nextBatchSize(blocks, jsonBytes({ parent, properties }));
      // from here until the page id is saved, the outcome of this create can become unknown
      await context.saveCheckpoint(formatCheckpoint({ creating: true }));
      const created = await this.#api.call('pages.create', (c) => c.pages.create({ parent, properties, children: blocks.slice(0, first) }), context.signal);
      page = { pageId: created.id, appended: first };
      log?.info({ pageId: created.id, blocks: first }, 'created notion page');
    }
    await context.saveCheckpoint(formatCheckpoint({ pageId: page.pageId, appendedBlocks: page.appended }));
    return page;
  }

  /** For /ready and `recpipe doctor`: the database is reachable with this token. */
  async check(signal?: AbortSignal): Promise<string> {
    const database = await this.#api.call('databases.retrieve', (c) => c.databases.retrieve({ database_id: this.#databaseId }), signal);
    const title = 'title' in database ? database.title.map((t) => t.plain_text).join('') : database.id;
    return `notion database "${title}" reachable`;
  }

  /**
   * The database's data source, looked up once per process (a failure is retried next time).
   * Shared by concurrent publishes, so no caller's abort signal may cancel it.
   */
  #resolveDataSource(): Promise<string> {
    this.#dataSourceId ??= this.#api
      .call('databases.retrieve', (c) => c.databases.retrieve({ database_id: this.#databaseId }))
      .then((database) => {
        const sources = 'data_sources' in database ? database.data_sources : [];
        const first = sources[0];
        if (first === undefined) throw new PermanentError(`notion database ${this.#databaseId} has no data source`, { system: 'notion' });
        if (sources.length > 1) this.#logger?.warn({ dataSource: first.name, count: sources.length }, 'notion database has several data sources, using the first');
        return first.id;
      });
    this.#dataSourceId.catch(() => {
      this.#dataSourceId = undefined;
    });
    return this.#dataSourceId;
  }
}
