import { validationError } from './notion-error.ts';

/*
 * Notion reports body problems as one line per failed rule, e.g.
 * "body failed validation: body.children[1].paragraph.rich_text[0].text.content.length should be ≤ `2000`, instead was `2345`."
 * These helpers produce that wording so clients (and people reading logs) see what they would see live.
 */

export type JsonObject = Record<string, unknown>;

/** Renders a value the way Notion quotes it after "instead was". */
export function shown(value: unknown): string {
  if (value === undefined) return '`undefined`';
  const text = JSON.stringify(value);
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\``;
}

export function invalid(path: string, rule: string, value: unknown): never {
  throw validationError(`body failed validation: ${path} ${rule}, instead was ${shown(value)}.`);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, path: string): JsonObject {
  if (value === undefined) invalid(path, 'should be defined', value);
  if (!isObject(value)) invalid(path, 'should be an object', value);
  return value;
}

export function requireArray(value: unknown, path: string, maxLength: number): unknown[] {
  if (value === undefined) invalid(path, 'should be defined', value);
  if (!Array.isArray(value)) invalid(path, 'should be an array', value);
  if (value.length > maxLength) {
    throw validationError(
      `body failed validation: ${path}.length should be ≤ \`${maxLength}\`, instead was \`${value.length}\`.`,
    );
  }
  return value;
}

/** Length is counted in UTF-16 code units, as Notion's JavaScript backend does. */
export function requireString(value: unknown, path: string, maxLength?: number): string {
  if (value === undefined) invalid(path, 'should be defined', value);
  if (typeof value !== 'string') invalid(path, 'should be a string', value);
  if (maxLength !== undefined && value.length > maxLength) {
    throw validationError(
      `body failed validation: ${path}.length should be ≤ \`${maxLength}\`, instead was \`${value.length}\`.`,
    );
  }
  return value;
}

export function optionalString(value: unknown, path: string, maxLength?: number): string | undefined {
  return value === undefined || value === null ? undefined : requireString(value, path, maxLength);
}
