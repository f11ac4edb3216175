import { type BlockRecord, compactId, type DataSourceRecord, type DatabaseRecord, type NotionStore, type PageRecord } from './notion-store.ts';
import { propertySchemaResponse } from './property-schema.ts';
import { emptyValue } from './property-values.ts';
import type { RichTextItem } from './rich-text.ts';

/** The API versions whose shapes the emulator serves. */
export const SUPPORTED_VERSIONS = ['2025-09-03', '2026-03-11'] as const;
export type NotionVersion = (typeof SUPPORTED_VERSIONS)[number];

/** The integration's bot user; every object is created and edited by it. */
export const BOT_USER_ID = '8d5a4b0e-3c1f-4e4b-9f0e-6b1c2d3e4f50';
const BOT = { object: 'user', id: BOT_USER_ID };

/** 2026-03-11 dropped `archived` in favour of `in_trash`. */
function trashFields(version: NotionVersion, inTrash = false): Record<string, boolean> {
  return version === '2025-09-03' ? { in_trash: inTrash, archived: inTrash } : { in_trash: inTrash };
}

function titleText(content: string): RichTextItem[] {
  return [{
    type: 'text',
    text: { content, link: null },
    annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' },
    plain_text: content,
    href: null,
  }];
}

function notionUrl(id: string): string {
  return `https://www.notion.so/${compactId(id)}`;
}

const WORKSPACE_PARENT = { type: 'workspace', workspace: true };

export function databaseObject(db: DatabaseRecord, store: NotionStore, version: NotionVersion): Record<string, unknown> {
  return {
    object: 'database',
    id: db.id,
    title: titleText(db.title),
    description: [],
    parent: WORKSPACE_PARENT,
    is_inline: false,
    ...trashFields(version),
    is_locked: false,
    created_time: db.createdTime,
    last_edited_time: db.lastEditedTime,
    data_sources: db.dataSourceIds.map((id) => ({ id, name: store.dataSource(id).title })),
    icon: null,
    cover: null,
    url: notionUrl(db.id),
    public_url: null,
  };
}

export function dataSourceObject(ds: DataSourceRecord, version: NotionVersion): Record<string, unknown> {
  return {
    object: 'data_source',
    id: ds.id,
    title: titleText(ds.title),
    description: [],
    parent: { type: 'database_id', database_id: ds.databaseId },
    database_parent: WORKSPACE_PARENT,
    is_inline: false,
    ...trashFields(version),
    created_time: ds.createdTime,
    last_edited_time: ds.lastEditedTime,
    created_by: BOT,
    last_edited_by: BOT,
    properties: Object.fromEntries(ds.properties.map((p) => [p.name, propertySchemaResponse(p)])),
    icon: null,
    cover: null,
    url: notionUrl(ds.id),
    public_url: null,
  };
}

/** A page with every property of its data source, set or not, as Notion returns it. */
export function pageObject(page: PageRecord, ds: DataSourceRecord, version: NotionVersion): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const property of ds.properties) {
    const value = page.values.get(property.id);
    const shown = value !== undefined && value.type === property.type ? value : emptyValue(property);
    properties[property.name] = { id: property.id, type: property.type, [property.type]: shown.value };
  }
  return {
    object: 'page',
    id: page.id,
    created_time: page.createdTime,
    last_edited_time: page.lastEditedTime,
    created_by: BOT,
    last_edited_by: BOT,
    cover: null,
    icon: null,
    parent: { type: 'data_source_id', data_source_id: page.dataSourceId, database_id: page.databaseId },
    ...trashFields(version, page.inTrash === true),
    ...(version === '2025-09-03' ? { is_archived: false } : {}),
    is_locked: false,
    properties,
    url: notionUrl(page.id),
    public_url: null,
  };
}

export function blockObject(block: BlockRecord, version: NotionVersion): Record<string, unknown> {
  return {
    object: 'block',
    id: block.id,
    parent: block.parent,
    created_time: block.createdTime,
    last_edited_time: block.createdTime,
    created_by: BOT,
    last_edited_by: BOT,
    has_children: block.childIds.length > 0,
    ...trashFields(version),
    type: block.type,
    [block.type]: block.content,
  };
}

/** The bot user; `maxFileUploadBytes` is the workspace's per-file upload limit it reports. */
export function botUserObject(maxFileUploadBytes: number): Record<string, unknown> {
  return {
    object: 'user',
    id: BOT_USER_ID,
    name: 'Recording pipeline (emulator)',
    avatar_url: null,
    type: 'bot',
    bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Emulated workspace', workspace_id: 'b7c1e0aa-0000-4000-8000-000000000001', workspace_limits: { max_file_upload_size_in_bytes: maxFileUploadBytes } },
  };
}
