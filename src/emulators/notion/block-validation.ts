import { invalid, requireArray, requireObject, requireString } from './body-validation.ts';
import { validationError } from './notion-error.ts';
import { parseRichText, type RichTextItem } from './rich-text.ts';

/** Documented per-request limits. */
export const MAX_CHILDREN = 100;
export const MAX_BLOCK_ELEMENTS = 1000;
/** "At most two levels of nested children in one request". */
const MAX_NESTING = 2;

const TEXT_BLOCKS = new Set([
  'paragraph', 'heading_1', 'heading_2', 'heading_3', 'bulleted_list_item', 'numbered_list_item',
  'quote', 'to_do', 'toggle', 'callout', 'code',
]);
const EMPTY_BLOCKS = new Set(['divider', 'table_of_contents', 'breadcrumb']);
/** Blocks that hold a file: an uploaded one (`file_upload`) or a link (`external`). */
const MEDIA_BLOCKS = new Set(['audio', 'file', 'image', 'video', 'pdf']);
const MAX_URL = 2000;

/** A validated block from a request, before the store gives it an id. */
export interface ParsedBlock {
  type: string;
  /** The type object in response form (`{rich_text, color, …}`), without `children`. */
  content: Record<string, unknown> & { rich_text?: RichTextItem[] };
  children: ParsedBlock[];
  /** A media block's `file_upload.id`: the routes check it is `uploaded` and swap in the hosted file. */
  fileUploadId?: string;
  /** The attached upload, for snapshots (set by `prepareAttachments`). */
  upload?: AttachedUpload;
}

/** What a media block holds once its upload is attached: enough for a test to compare with the file sent. */
export interface AttachedUpload {
  id: string;
  filename: string | null;
  contentType: string | null;
  bytes: number | null;
  sha256?: string;
}

/** Counts block elements across one request (the 1000-element payload rule). */
export class BlockBudget {
  #count = 0;
  add(path: string): void {
    this.#count += 1;
    if (this.#count > MAX_BLOCK_ELEMENTS) {
      throw validationError(
        `body failed validation: ${path} exceeds the limit of ${MAX_BLOCK_ELEMENTS} block elements per request.`,
      );
    }
  }
}

/** Validates a `children` array (page create or append) and every block in it. */
export function parseChildren(value: unknown, path: string, budget = new BlockBudget(), depth = 0): ParsedBlock[] {
  return requireArray(value, path, MAX_CHILDREN).map((block, index) => parseBlock(block, `${path}[${index}]`, budget, depth));
}

function parseBlock(value: unknown, path: string, budget: BlockBudget, depth: number): ParsedBlock {
  const block = requireObject(value, path);
  budget.add(path);
  if (block.object !== undefined && block.object !== 'block') invalid(`${path}.object`, 'should be `"block"`', block.object);
  const type = typeof block.type === 'string' ? block.type : Object.keys(block).find((key) => key !== 'object');
  if (type === undefined) invalid(`${path}.type`, 'should be defined', undefined);
  if (!TEXT_BLOCKS.has(type) && !EMPTY_BLOCKS.has(type) && !MEDIA_BLOCKS.has(type)) {
    invalid(`${path}.type`, 'should be a supported block type (text, divider and media blocks in this emulator)', type);
  }
  const body = requireObject(block[type], `${path}.${type}`);
  if (MEDIA_BLOCKS.has(type)) return parseMedia(type, body, `${path}.${type}`);
  const content: ParsedBlock['content'] = {};
  if (TEXT_BLOCKS.has(type)) {
    content.rich_text = parseRichText(body.rich_text, `${path}.${type}.rich_text`);
    content.color = typeof body.color === 'string' ? body.color : 'default';
    if (type === 'to_do') content.checked = body.checked === true;
    if (type === 'code') content.language = typeof body.language === 'string' ? body.language : 'plain text';
    if (type === 'code' || type === 'callout') content.caption = [];
    if (type.startsWith('heading_')) content.is_toggleable = body.is_toggleable === true;
  }
  let children: ParsedBlock[] = [];
  if (body.children !== undefined) {
    if (depth >= MAX_NESTING) invalid(`${path}.${type}.children`, `should be undefined (at most ${MAX_NESTING} levels of nesting per request)`, '[…]');
    if (!TEXT_BLOCKS.has(type)) invalid(`${path}.${type}.children`, 'should be undefined', body.children);
    children = parseChildren(body.children, `${path}.${type}.children`, budget, depth + 1);
  }
  return { type, content, children };
}

/** `{type: 'file_upload', file_upload: {id}}` or `{type: 'external', external: {url}}`, with an optional caption. */
function parseMedia(type: string, body: Record<string, unknown>, path: string): ParsedBlock {
  const caption = body.caption === undefined ? [] : parseRichText(body.caption, `${path}.caption`);
  const kind = body.type ?? (body.file_upload !== undefined ? 'file_upload' : body.external !== undefined ? 'external' : undefined);
  if (body.children !== undefined) invalid(`${path}.children`, 'should be undefined', body.children);
  if (kind === 'file_upload') {
    const id = requireString(requireObject(body.file_upload, `${path}.file_upload`).id, `${path}.file_upload.id`);
    return { type, content: { caption, type: 'file_upload', file_upload: { id } }, children: [], fileUploadId: id };
  }
  if (kind === 'external') {
    const url = requireString(requireObject(body.external, `${path}.external`).url, `${path}.external.url`, MAX_URL);
    return { type, content: { caption, type: 'external', external: { url } }, children: [] };
  }
  return invalid(`${path}.type`, 'should be `"file_upload"` or `"external"`', kind);
}

/** Plain text of a block's own rich text (empty for dividers). */
export function blockText(content: ParsedBlock['content']): string {
  return (content.rich_text ?? []).map((item) => item.plain_text).join('');
}
