import type { Context } from 'hono';
import { isObject, type JsonObject } from './body-validation.ts';
import type { NotionVersion } from './notion-objects.ts';
import { NotionApiError, validationError } from './notion-error.ts';

/** Hono context variables the emulator's middleware sets for the routes. */
export interface NotionEnv {
  Variables: { version: NotionVersion; requestId: string };
}

/** "At most 500 KB" per request; counted in bytes of the JSON body, 500 × 1000 to stay on the strict side. */
export const MAX_BODY_BYTES = 500_000;

/**
 * Reads a JSON body the way Notion does: an absent body is `{}` (the SDK sends none when every
 * parameter is empty, e.g. a bare data-source query), malformed JSON is `invalid_json`.
 */
export async function readBody(c: Context<NotionEnv>): Promise<JsonObject> {
  const text = await c.req.text();
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    throw validationError(`Request body too large: ${bytes} bytes, the limit is ${MAX_BODY_BYTES} bytes (500 KB).`);
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NotionApiError(400, 'invalid_json', 'Error parsing JSON body.');
  }
  if (!isObject(parsed)) throw validationError(`body failed validation: body should be an object, instead was \`${JSON.stringify(parsed).slice(0, 40)}\`.`);
  return parsed;
}

/** `page_size`: default 100, at most 100 (body for queries, query string for lists). */
export function pageSize(value: unknown, path: string): number {
  if (value === undefined || value === null) return 100;
  const size = typeof value === 'string' ? Number(value) : value;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw validationError(`body failed validation: ${path} should be a positive integer, instead was \`${JSON.stringify(value)}\`.`);
  }
  if (size > 100) throw validationError(`body failed validation: ${path} should be ≤ \`100\`, instead was \`${size}\`.`);
  return size;
}

/** Cursor pagination shared by queries and block lists: the cursor is the id of the next item. */
export function paginate<T extends { id: string }>(items: T[], startCursor: unknown, size: number, path: string): { page: T[]; nextCursor: string | null } {
  let start = 0;
  if (startCursor !== undefined && startCursor !== null) {
    start = items.findIndex((item) => item.id === startCursor);
    if (start < 0) throw validationError(`body failed validation: ${path} should be a valid cursor, instead was \`${JSON.stringify(startCursor)}\`.`);
  }
  const page = items.slice(start, start + size);
  const next = items[start + size];
  return { page, nextCursor: next === undefined ? null : next.id };
}
