import { type BlockObjectRequest, extractDatabaseId } from '@notionhq/client';
import type { Logger } from 'pino';
import { PermanentError } from '../../errors.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { TranscriptDocument } from '../../recording.ts';
import type { PublishContext, Publisher } from '../publisher.ts';
import { AudioAttacher } from './audio-attachment.ts';
import { jsonBytes, nextBatchSize } from './block-batches.ts';
import { NotionApi } from './notion-api.ts';
import { childBlocks, findPageByRecordingId } from './page-lookup.ts';
import { pageProperties } from './page-properties.ts';
import { LATER_PROPERTIES } from './notion-schema.ts';
import { type AudioCheckpoint, formatCheckpoint, parseCheckpoint } from './publish-checkpoint.ts';
import { RateLimiter } from './rate-limiter.ts';
import { transcriptBlocks } from './transcript-blocks.ts';

interface PageProgress {
  pageId: string;
  /** Transcript blocks the page already has. */
  appended: number;
  /** The page's audio blocks, when this attempt listed them. */
  audioBlockIds?: string[];
  audio?: AudioCheckpoint;
}

/** Default `maxUploadBytes`: a free workspace's per-file limit. */
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

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
  /** Attach the recording's audio (`PublishContext.audio`) to its page after the transcript (default false). */
  attachAudio?: boolean;
  /** Audio larger than this many bytes is not attached (default 5 MiB, a free workspace's limit). */
  maxUploadBytes?: number;
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
  readonly wantsAudio: boolean;
  readonly #api: NotionApi;
  readonly #databaseId: string;
  readonly #timeZone: string;
  readonly #logger?: Logger;
  readonly #audio?: AudioAttacher;
  #dataSourceId: Promise<string> | undefined;
  /** The data source's column names, read once per process when a page has later columns to fill. */
  #columns: Promise<Set<string>> | undefined;

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
    this.wantsAudio = options.attachAudio === true;
    if (options.attachAudio === true) this.#audio = new AudioAttacher(this.#api, options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
  }

  async publish(doc: TranscriptDocument, context: PublishContext): Promise<string> {
    const log = this.#logger?.child({ recordingId: doc.id, publisher: this.name });
    const blocks = transcriptBlocks(doc);
    const saved = parseCheckpoint(context.checkpoint);
    let page: PageProgress;
    if (saved !== undefined && 'pageId' in saved && saved.appendedBlocks !== undefined && saved.appendedBlocks >= blocks.length) {
      page = { pageId: saved.pageId, appended: saved.appendedBlocks, audio: saved.audio };
    } else {
      page = saved !== undefined && 'pageId' in saved ? await this.#resume(saved.pageId, context, log) : await this.#open(doc, blocks, saved !== undefined, context, log);
      while (page.appended < blocks.length) {
        const rest = blocks.slice(page.appended);
        const count = nextBatchSize(rest, jsonBytes({ children: [] }));
        const pageId = page.pageId;
        await this.#api.call('blocks.children.append', (c) => c.blocks.children.append({ block_id: pageId, children: rest.slice(0, count) }), context.signal);
        page.appended += count;
        await context.saveCheckpoint(formatCheckpoint({ pageId, appendedBlocks: page.appended }));
      }
    }
    const audio = await this.#attachAudio(page, context, log);
    return formatCheckpoint({ pageId: page.pageId, appendedBlocks: page.appended, ...(audio === undefined ? {} : { audio }) });
  }

  /** With `attachAudio`, once the transcript is whole: the audio block, exactly once (see AudioAttacher). */
  async #attachAudio(page: PageProgress, context: PublishContext, log: Logger | undefined): Promise<AudioCheckpoint | undefined> {
    if (this.#audio === undefined) return page.audio;
    if (context.audio === undefined) {
      log?.debug('no audio file to attach to the notion page');
      return page.audio;
    }
    return this.#audio.attach(context.audio, {
      pageId: page.pageId,
      saved: page.audio,
      resumed: context.checkpoint !== undefined,
      audioBlockIds: page.audioBlockIds,
      save: (audio) => context.saveCheckpoint(formatCheckpoint({ pageId: page.pageId, appendedBlocks: page.appended, audio })),
      signal: context.signal,
      log,
    });
  }

  /** A page from an interrupted attempt: its real block count says where to continue. */
  async #resume(pageId: string, context: PublishContext, log: Logger | undefined): Promise<PageProgress> {
    // the checkpoint may lag one append behind: a request can land after we stopped listening
    const { count, audioBlockIds } = await childBlocks(this.#api, pageId, context.signal);
    log?.info({ pageId, pageBlocks: count }, 'resuming notion page');
    // an audio block only ever follows the whole transcript
    return { pageId, appended: count - audioBlockIds.length, audioBlockIds };
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
      const { count, audioBlockIds } = await childBlocks(this.#api, found, context.signal);
      page = { pageId: found, appended: count - audioBlockIds.length, audioBlockIds };
      log?.info({ pageId: found, pageBlocks: count }, 'adopted notion page from an earlier attempt');
    } else {
      const properties = await this.#knownProperties(pageProperties(doc, this.#timeZone), dataSourceId);
      const parent = { type: 'data_source_id' as const, data_source_id: dataSourceId };
      const first = nextBatchSize(blocks, jsonBytes({ parent, properties }));
      // from here until the page id is saved, the outcome of this create can become unknown
      await context.saveCheckpoint(formatCheckpoint({ creating: true }));
      const created = await this.#api.call('pages.create', (c) => c.pages.create({ parent, properties, children: blocks.slice(0, first) }), context.signal);
      page = { pageId: created.id, appended: first, audioBlockIds: [] };
      log?.info({ pageId: created.id, blocks: first }, 'created notion page');
    }
    await context.saveCheckpoint(formatCheckpoint({ pageId: page.pageId, appendedBlocks: page.appended }));
    return page;
  }

  /** Leaves out the later columns (talk, insights) the database does not have yet, with a warning. */
  async #knownProperties(properties: ReturnType<typeof pageProperties>, dataSourceId: string): Promise<ReturnType<typeof pageProperties>> {
    if (!Object.keys(properties).some((name) => LATER_PROPERTIES.has(name))) return properties;
    this.#columns ??= this.#api
      .call('dataSources.retrieve', (c) => c.dataSources.retrieve({ data_source_id: dataSourceId }))
      .then((source) => new Set('properties' in source ? Object.values(source.properties).map((p) => p.name) : []));
    this.#columns.catch(() => {
      this.#columns = undefined;
    });
    const columns = await this.#columns;
    const missing = Object.keys(properties).filter((name) => LATER_PROPERTIES.has(name) && !columns.has(name));
    if (missing.length === 0) return properties;
    this.#logger?.warn({ missing }, 'notion database lacks these columns; run `recpipe doctor --fix` to add them');
    return Object.fromEntries(Object.entries(properties).filter(([name]) => !missing.includes(name)));
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
