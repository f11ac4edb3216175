import { invalid, isObject, requireArray, requireObject, requireString } from './body-validation.ts';
import { validationError } from './notion-error.ts';
import { newOption, type PropertySchema, type SelectOption } from './property-schema.ts';
import { parseRichText, type RichTextItem } from './rich-text.ts';

/** A property value in response form, keyed in the store by property id. */
export type PropertyValue =
  | { type: 'title' | 'rich_text'; value: RichTextItem[] }
  | { type: 'number'; value: number | null }
  | { type: 'select'; value: { id: string; name: string; color: string } | null }
  | { type: 'multi_select'; value: Array<{ id: string; name: string; color: string }> }
  | { type: 'date'; value: { start: string; end: string | null; time_zone: string | null } | null }
  | { type: 'checkbox'; value: boolean }
  | { type: 'url' | 'email' | 'phone_number'; value: string | null };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const MAX_URL = 2000;
const MAX_EMAIL = 200;
const MAX_PHONE = 200;

/** What a page create needs from the data source: its schema, and a way to add select options. */
export interface SchemaView {
  find(nameOrId: string): PropertySchema | undefined;
  all(): readonly PropertySchema[];
}

export interface ParsedProperties {
  values: Map<string, PropertyValue>;
  /** Select options to add to the schema once the whole request is valid (Notion creates them on the fly). */
  newOptions: Array<{ property: PropertySchema; option: SelectOption }>;
}

/** Validates `properties` of a page create strictly against the data-source schema. */
export function parsePageProperties(input: unknown, schema: SchemaView, requireTitle: boolean): ParsedProperties {
  const properties = requireObject(input, 'body.properties');
  const parsed: ParsedProperties = { values: new Map(), newOptions: [] };
  for (const [key, raw] of Object.entries(properties)) {
    const property = schema.find(key);
    if (property === undefined) throw validationError(`${key} is not a property that exists.`);
    parsed.values.set(property.id, parseValue(property, raw, `body.properties.${key}`, parsed));
  }
  const title = schema.all().find((p) => p.type === 'title');
  if (requireTitle && title !== undefined && !parsed.values.has(title.id)) {
    invalid(`body.properties.${title.name}.title`, 'should be defined', undefined);
  }
  return parsed;
}

function parseValue(property: PropertySchema, raw: unknown, path: string, parsed: ParsedProperties): PropertyValue {
  if (!isObject(raw)) invalid(path, 'should be an object', raw);
  const declared = typeof raw.type === 'string' ? raw.type : Object.keys(raw).find((k) => k !== 'id' && k !== 'type');
  if (declared !== property.type || !(property.type in raw)) {
    throw validationError(`${property.name} is expected to be ${property.type}.`);
  }
  const value = raw[property.type];
  const at = `${path}.${property.type}`;
  switch (property.type) {
    case 'title':
    case 'rich_text':
      return { type: property.type, value: parseRichText(value, at) };
    case 'number':
      if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) invalid(at, 'should be a number or `null`', value);
      return { type: 'number', value };
    case 'checkbox':
      if (typeof value !== 'boolean') invalid(at, 'should be a boolean', value);
      return { type: 'checkbox', value };
    case 'url':
    case 'email':
    case 'phone_number': {
      const max = property.type === 'url' ? MAX_URL : property.type === 'email' ? MAX_EMAIL : MAX_PHONE;
      return { type: property.type, value: value === null ? null : requireString(value, at, max) };
    }
    case 'date':
      return { type: 'date', value: value === null ? null : parseDate(value, at) };
    case 'select':
      return { type: 'select', value: value === null ? null : pickOption(property, value, at, parsed) };
    case 'multi_select':
      return {
        type: 'multi_select',
        value: requireArray(value, at, 100).map((item, index) => pickOption(property, item, `${at}[${index}]`, parsed)),
      };
  }
}

function parseDate(value: unknown, path: string): { start: string; end: string | null; time_zone: string | null } {
  const date = requireObject(value, path);
  const start = requireString(date.start, `${path}.start`);
  if (!ISO_DATE.test(start) || Number.isNaN(Date.parse(start))) invalid(`${path}.start`, 'should be a valid ISO 8601 date string', start);
  let end: string | null = null;
  if (date.end !== undefined && date.end !== null) {
    end = requireString(date.end, `${path}.end`);
    if (!ISO_DATE.test(end) || Number.isNaN(Date.parse(end))) invalid(`${path}.end`, 'should be a valid ISO 8601 date string', end);
  }
  const timeZone = date.time_zone === undefined || date.time_zone === null ? null : requireString(date.time_zone, `${path}.time_zone`);
  return { start, end, time_zone: timeZone };
}

function pickOption(property: PropertySchema, value: unknown, path: string, parsed: ParsedProperties): { id: string; name: string; color: string } {
  const request = requireObject(value, path);
  const options = property.options ?? [];
  const pending = parsed.newOptions.filter((p) => p.property === property).map((p) => p.option);
  if (typeof request.id === 'string' && request.name === undefined) {
    const byId = options.find((o) => o.id === request.id);
    if (byId === undefined) invalid(`${path}.id`, 'should be the id of an existing option', request.id);
    return { id: byId.id, name: byId.name, color: byId.color };
  }
  const name = requireString(request.name, `${path}.name`, 100);
  if (name.includes(',')) throw validationError(`Invalid select option, commas not allowed: ${name}`);
  const known = [...options, ...pending].find((o) => o.name === name);
  if (known !== undefined) return { id: known.id, name: known.name, color: known.color };
  const option = newOption(name, [...options, ...pending]);
  parsed.newOptions.push({ property, option });
  return { id: option.id, name: option.name, color: option.color };
}

/** The value of a property that a page never set, as Notion shows it. */
export function emptyValue(property: PropertySchema): PropertyValue {
  switch (property.type) {
    case 'title':
    case 'rich_text':
      return { type: property.type, value: [] };
    case 'multi_select':
      return { type: 'multi_select', value: [] };
    case 'checkbox':
      return { type: 'checkbox', value: false };
    default:
      return { type: property.type, value: null } as PropertyValue;
  }
}
