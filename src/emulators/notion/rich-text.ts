import { invalid, isObject, optionalString, requireArray, requireObject, requireString } from './body-validation.ts';

/** Documented limits (developers.notion.com reference/request-limits). */
export const MAX_TEXT_CONTENT = 2000;
export const MAX_RICH_TEXT_ITEMS = 100;
const MAX_URL = 2000;
const MAX_EQUATION = 1000;

const COLORS = new Set([
  'default', 'gray', 'brown', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'red',
  'gray_background', 'brown_background', 'orange_background', 'yellow_background', 'green_background',
  'blue_background', 'purple_background', 'pink_background', 'red_background',
]);
const FLAGS = ['bold', 'italic', 'strikethrough', 'underline', 'code'] as const;

export interface Annotations {
  bold: boolean;
  italic: boolean;
  strikethrough: boolean;
  underline: boolean;
  code: boolean;
  color: string;
}

/** A rich text item in response form (what Notion echoes back). */
export type RichTextItem =
  | { type: 'text'; text: { content: string; link: { url: string } | null }; annotations: Annotations; plain_text: string; href: string | null }
  | { type: 'equation'; equation: { expression: string }; annotations: Annotations; plain_text: string; href: null };

/** Validates a request rich text array against every documented limit and returns it in response form. */
export function parseRichText(value: unknown, path: string): RichTextItem[] {
  return requireArray(value, path, MAX_RICH_TEXT_ITEMS).map((item, index) => parseItem(item, `${path}[${index}]`));
}

export function plainText(items: readonly RichTextItem[]): string {
  return items.map((item) => item.plain_text).join('');
}

function parseItem(value: unknown, path: string): RichTextItem {
  const item = requireObject(value, path);
  const type = item.type ?? ('equation' in item ? 'equation' : 'text');
  const annotations = parseAnnotations(item.annotations, `${path}.annotations`);
  if (type === 'equation') {
    const equation = requireObject(item.equation, `${path}.equation`);
    const expression = requireString(equation.expression, `${path}.equation.expression`, MAX_EQUATION);
    return { type: 'equation', equation: { expression }, annotations, plain_text: expression, href: null };
  }
  if (type !== 'text') invalid(`${path}.type`, 'should be `"text"` or `"equation"` (mentions are not emulated)', type);
  const text = requireObject(item.text, `${path}.text`);
  const content = requireString(text.content, `${path}.text.content`, MAX_TEXT_CONTENT);
  let link: { url: string } | null = null;
  if (text.link !== undefined && text.link !== null) {
    const linkObject = requireObject(text.link, `${path}.text.link`);
    link = { url: requireString(linkObject.url, `${path}.text.link.url`, MAX_URL) };
  }
  return { type: 'text', text: { content, link }, annotations, plain_text: content, href: link?.url ?? null };
}

function parseAnnotations(value: unknown, path: string): Annotations {
  const annotations: Annotations = {
    bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default',
  };
  if (value === undefined) return annotations;
  if (!isObject(value)) invalid(path, 'should be an object', value);
  for (const flag of FLAGS) {
    const flagValue = value[flag];
    if (flagValue === undefined) continue;
    if (typeof flagValue !== 'boolean') invalid(`${path}.${flag}`, 'should be a boolean', flagValue);
    annotations[flag] = flagValue;
  }
  const color = optionalString(value.color, `${path}.color`);
  if (color !== undefined) {
    if (!COLORS.has(color)) invalid(`${path}.color`, 'should be a valid color', color);
    annotations.color = color;
  }
  return annotations;
}
