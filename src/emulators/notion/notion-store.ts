import { randomUUID } from 'node:crypto';
import type { AttachedUpload, ParsedBlock } from './block-validation.ts';
import { NotionApiError, notFound, validationError } from './notion-error.ts';
import { parsePropertyDefinition, type PropertySchema } from './property-schema.ts';
import type { ParsedProperties, PropertyValue, SchemaView } from './property-values.ts';

export interface DatabaseRecord {
  id: string;
  title: string;
  dataSourceIds: string[];
  createdTime: string;
  lastEditedTime: string;
}

export interface DataSourceRecord {
  id: string;
  databaseId: string;
  title: string;
  properties: PropertySchema[];
  createdTime: string;
  lastEditedTime: string;
}

export interface PageRecord {
  id: string;
  dataSourceId: string;
  databaseId: string;
  /** Keyed by property id, so renaming a column keeps the values. */
  values: Map<string, PropertyValue>;
  childIds: string[];
  createdTime: string;
  lastEditedTime: string;
  /** Moved to the trash (`PATCH /v1/pages/:id` with `in_trash` or `archived`). */
  inTrash?: boolean;
}

export interface BlockRecord {
  id: string;
  parent: { type: 'page_id'; page_id: string } | { type: 'block_id'; block_id: string };
  type: string;
  content: ParsedBlock['content'];
  childIds: string[];
  createdTime: string;
  /** A media block's uploaded file. */
  upload?: AttachedUpload;
}

type Kind = 'database' | 'data_source' | 'page' | 'block';

/** Notion accepts ids with or without dashes, in any case. */
export function compactId(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

/** The in-memory workspace behind the emulator: plain records, no HTTP concerns. */
export class NotionStore {
  readonly databases = new Map<string, DatabaseRecord>();
  readonly dataSources = new Map<string, DataSourceRecord>();
  readonly pages = new Map<string, PageRecord>();
  readonly blocks = new Map<string, BlockRecord>();

  /** Seeds a database with one data source; `properties` use the data-source create/update request form. */
  createDatabase(title: string, properties: Record<string, unknown> = {}): { databaseId: string; dataSourceId: string } {
    const now = new Date().toISOString();
    const databaseId = randomUUID();
    const dataSourceId = randomUUID();
    const schema: PropertySchema[] = [];
    for (const [name, definition] of Object.entries(properties)) {
      schema.push(parsePropertyDefinition(name, definition, `properties.${name}`));
    }
    if (!schema.some((p) => p.type === 'title')) schema.unshift({ id: 'title', name: 'Name', type: 'title', description: null });
    this.databases.set(compactId(databaseId), { id: databaseId, title, dataSourceIds: [dataSourceId], createdTime: now, lastEditedTime: now });
    this.dataSources.set(compactId(dataSourceId), { id: dataSourceId, databaseId, title, properties: schema, createdTime: now, lastEditedTime: now });
    return { databaseId, dataSourceId };
  }

  database(id: string, path = 'path.database_id'): DatabaseRecord {
    return this.#lookup(this.databases, id, 'database', path);
  }

  dataSource(id: string, path = 'path.data_source_id'): DataSourceRecord {
    return this.#lookup(this.dataSources, id, 'data_source', path);
  }

  page(id: string, path = 'path.page_id'): PageRecord {
    return this.#lookup(this.pages, id, 'page', path);
  }

  /** A page or a block: both can hold children. */
  parentOfChildren(id: string, path = 'path.block_id'): PageRecord | BlockRecord {
    assertUuid(id, path);
    const found = this.pages.get(compactId(id)) ?? this.blocks.get(compactId(id));
    if (found === undefined) throw notFound('block', id);
    return found;
  }

  schemaView(dataSource: DataSourceRecord): SchemaView {
    return {
      find: (nameOrId) =>
        dataSource.properties.find((p) => p.name === nameOrId) ??
        dataSource.properties.find((p) => p.id === nameOrId || decodeURIComponent(p.id) === nameOrId),
      all: () => dataSource.properties,
    };
  }

  insertPage(dataSource: DataSourceRecord, properties: ParsedProperties, children: ParsedBlock[]): PageRecord {
    for (const { property, option } of properties.newOptions) property.options = [...(property.options ?? []), option];
    const now = new Date().toISOString();
    const page: PageRecord = {
      id: randomUUID(),
      dataSourceId: dataSource.id,
      databaseId: dataSource.databaseId,
      values: properties.values,
      childIds: [],
      createdTime: now,
      lastEditedTime: now,
    };
    this.pages.set(compactId(page.id), page);
    this.insertBlocks(page, children);
    return page;
  }

  /** Inserts blocks under a page or block, at the end or right after `afterId`; returns the new first-level blocks. */
  insertBlocks(parent: PageRecord | BlockRecord, children: ParsedBlock[], afterId?: string): BlockRecord[] {
    let index = parent.childIds.length;
    if (afterId !== undefined) {
      const position = parent.childIds.findIndex((id) => compactId(id) === compactId(afterId));
      if (position < 0) throw validationError(`body failed validation: body.after should be the id of a child of the parent block, instead was \`"${afterId}"\`.`);
      index = position + 1;
    }
    const now = new Date().toISOString();
    const parentRef = 'values' in parent ? { type: 'page_id' as const, page_id: parent.id } : { type: 'block_id' as const, block_id: parent.id };
    const created = children.map((child): BlockRecord => {
      const block: BlockRecord = { id: randomUUID(), parent: parentRef, type: child.type, content: child.content, childIds: [], createdTime: now, upload: child.upload };
      this.blocks.set(compactId(block.id), block);
      this.insertBlocks(block, child.children);
      return block;
    });
    parent.childIds.splice(index, 0, ...created.map((b) => b.id));
    if ('values' in parent) parent.lastEditedTime = now;
    return created;
  }

  childrenOf(parent: PageRecord | BlockRecord): BlockRecord[] {
    return parent.childIds.map((id) => this.blocks.get(compactId(id))).filter((b): b is BlockRecord => b !== undefined);
  }

  pagesOf(dataSource: DataSourceRecord): PageRecord[] {
    return [...this.pages.values()].filter((page) => page.dataSourceId === dataSource.id);
  }

  #lookup<T>(map: Map<string, T>, id: string, kind: Kind, path: string): T {
    assertUuid(id, path);
    const found = map.get(compactId(id));
    if (found === undefined) throw notFound(kind, id);
    return found;
  }
}

function assertUuid(id: string, path: string): void {
  if (!/^[0-9a-f]{32}$/.test(compactId(id))) {
    throw new NotionApiError(400, 'validation_error', `path failed validation: ${path} should be a valid uuid, instead was \`"${id}"\`.`);
  }
}
