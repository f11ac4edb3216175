import { type AttachedUpload, blockText } from './block-validation.ts';
import type { BlockRecord, NotionStore, PageRecord } from './notion-store.ts';
import { plainText } from './rich-text.ts';

/** A page as tests and the demo see it: plain property values and the body text in order. */
export interface EmulatedPage {
  id: string;
  databaseId: string;
  dataSourceId: string;
  createdTime: string;
  /** Property name → plain value: text for title/rich_text, option name for select, `start` for dates. */
  properties: Record<string, string | number | boolean | string[] | null>;
  /** Top-level blocks in page order, with the length of each rich text item (to check limits). */
  blocks: Array<{ id: string; type: string; text: string; itemLengths: number[]; children: number; upload?: AttachedUpload }>;
  /** The text of every top-level block joined with newlines. */
  text: string;
  /** Moved to the trash through the API. */
  inTrash: boolean;
}

export function snapshotPage(store: NotionStore, page: PageRecord): EmulatedPage {
  const dataSource = store.dataSource(page.dataSourceId);
  const properties: EmulatedPage['properties'] = {};
  for (const property of dataSource.properties) {
    const value = page.values.get(property.id);
    if (value === undefined) continue;
    properties[property.name] = plainValue(value);
  }
  const blocks = store.childrenOf(page).map((block: BlockRecord) => ({
    id: block.id,
    type: block.type,
    text: blockText(block.content),
    itemLengths: (block.content.rich_text ?? []).map((item) => item.plain_text.length),
    children: block.childIds.length,
    ...(block.upload === undefined ? {} : { upload: block.upload }),
  }));
  return {
    id: page.id,
    databaseId: page.databaseId,
    dataSourceId: page.dataSourceId,
    createdTime: page.createdTime,
    properties,
    blocks,
    text: blocks.map((b) => b.text).join('\n'),
    inTrash: page.inTrash === true,
  };
}

/** The comparable value of a property: text, number, boolean, option names, or a date start. */
export function plainValue(value: NonNullable<ReturnType<PageRecord['values']['get']>>): EmulatedPage['properties'][string] {
  switch (value.type) {
    case 'title':
    case 'rich_text':
      return plainText(value.value);
    case 'select':
      return value.value?.name ?? null;
    case 'multi_select':
      return value.value.map((o) => o.name);
    case 'date':
      return value.value?.start ?? null;
    default:
      return value.value;
  }
}
