import { randomBytes } from 'node:crypto';
import { invalid, isObject, optionalString, requireArray, requireObject, requireString } from './body-validation.ts';
import { validationError } from './notion-error.ts';

/** Property types this emulator can store and validate. */
export const PROPERTY_TYPES = [
  'title', 'rich_text', 'number', 'select', 'multi_select', 'date', 'checkbox', 'url', 'email', 'phone_number',
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export interface SelectOption {
  id: string;
  name: string;
  color: string;
  description: string | null;
}

/** One column of a data source. */
export interface PropertySchema {
  /** `title` for the title property; short URL-encoded strings for the rest, as Notion does. */
  id: string;
  name: string;
  type: PropertyType;
  description: string | null;
  numberFormat?: string;
  options?: SelectOption[];
}

const OPTION_COLORS = ['default', 'gray', 'brown', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'red'];

export function isPropertyType(value: unknown): value is PropertyType {
  return typeof value === 'string' && (PROPERTY_TYPES as readonly string[]).includes(value);
}

export function newPropertyId(): string {
  return encodeURIComponent(randomBytes(3).toString('base64').replace(/[+/=]/g, ';').slice(0, 4));
}

export function newOption(name: string, existing: readonly SelectOption[], color?: string): SelectOption {
  return {
    id: newPropertyId(),
    name,
    color: color ?? OPTION_COLORS[existing.length % OPTION_COLORS.length] ?? 'default',
    description: null,
  };
}

/**
 * Reads a property definition of a data-source create/update request (`{"rich_text":{}}`,
 * `{"type":"select","select":{"options":[…]}}`, `{"name":"New name"}`) into a schema entry.
 * `existing` is the entry being altered, if any.
 */
export function parsePropertyDefinition(key: string, value: unknown, path: string, existing?: PropertySchema): PropertySchema {
  const definition = requireObject(value, path);
  const name = optionalString(definition.name, `${path}.name`, 100) ?? existing?.name ?? key;
  const description = definition.description === undefined ? (existing?.description ?? null) : (optionalString(definition.description, `${path}.description`, 280) ?? null);
  const declared = typeof definition.type === 'string' ? definition.type : Object.keys(definition).find((k) => !['name', 'description', 'type'].includes(k));
  if (declared === undefined) {
    if (existing === undefined) invalid(`${path}.type`, 'should be defined', undefined);
    return { ...existing, name, description };
  }
  if (!isPropertyType(declared)) invalid(`${path}.type`, `should be one of ${PROPERTY_TYPES.map((t) => `\`"${t}"\``).join(', ')}`, declared);
  const config = definition[declared] ?? {};
  if (!isObject(config)) invalid(`${path}.${declared}`, 'should be an object', config);
  const schema: PropertySchema = {
    id: declared === 'title' ? 'title' : (existing?.id ?? newPropertyId()),
    name,
    type: declared,
    description,
  };
  if (declared === 'number') schema.numberFormat = optionalString(config.format, `${path}.number.format`) ?? 'number';
  if (declared === 'select' || declared === 'multi_select') {
    const kept = existing?.type === declared ? (existing.options ?? []) : [];
    const options: SelectOption[] = [];
    const requested = config.options === undefined ? kept : requireArray(config.options, `${path}.${declared}.options`, 100);
    requested.forEach((raw, index) => {
      const optionPath = `${path}.${declared}.options[${index}]`;
      const option = requireObject(raw, optionPath);
      const optionName = requireString(option.name, `${optionPath}.name`, 100);
      if (optionName.includes(',')) throw validationError(`Invalid select option, commas not allowed: ${optionName}`);
      const color = optionalString(option.color, `${optionPath}.color`);
      const known = kept.find((o) => o.name === optionName || o.id === option.id);
      options.push(known ? { ...known, color: color ?? known.color } : newOption(optionName, options, color));
    });
    schema.options = options;
  }
  return schema;
}

/** A schema entry as `GET /v1/data_sources/:id` shows it. */
export function propertySchemaResponse(schema: PropertySchema): Record<string, unknown> {
  let config: Record<string, unknown> = {};
  if (schema.type === 'number') config = { format: schema.numberFormat ?? 'number' };
  if (schema.type === 'select' || schema.type === 'multi_select') config = { options: schema.options ?? [] };
  return { id: schema.id, name: schema.name, type: schema.type, description: schema.description, [schema.type]: config };
}
