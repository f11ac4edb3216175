import { invalid, isObject, requireArray, requireObject } from './body-validation.ts';
import { validationError } from './notion-error.ts';
import { plainValue } from './page-snapshot.ts';
import type { PageRecord } from './notion-store.ts';
import type { PropertySchema } from './property-schema.ts';
import { emptyValue, type SchemaView } from './property-values.ts';

type Predicate = (page: PageRecord) => boolean;

const TEXT_OPS = ['equals', 'does_not_equal', 'contains', 'does_not_contain', 'starts_with', 'ends_with', 'is_empty', 'is_not_empty'];
const NUMBER_OPS = ['equals', 'does_not_equal', 'greater_than', 'less_than', 'greater_than_or_equal_to', 'less_than_or_equal_to', 'is_empty', 'is_not_empty'];
const DATE_OPS = ['equals', 'before', 'after', 'on_or_before', 'on_or_after', 'is_empty', 'is_not_empty'];
const OPERATORS: Record<string, string[]> = {
  title: TEXT_OPS, rich_text: TEXT_OPS, url: TEXT_OPS, email: TEXT_OPS, phone_number: TEXT_OPS,
  number: NUMBER_OPS,
  checkbox: ['equals', 'does_not_equal'],
  select: ['equals', 'does_not_equal', 'is_empty', 'is_not_empty'],
  multi_select: ['contains', 'does_not_contain', 'is_empty', 'is_not_empty'],
  date: DATE_OPS,
};

/** Compiles a data-source query filter (property filters, `and`/`or`) into a predicate. */
export function compileFilter(filter: unknown, schema: SchemaView, path = 'body.filter', depth = 0): Predicate {
  const object = requireObject(filter, path);
  for (const compound of ['and', 'or'] as const) {
    if (object[compound] === undefined) continue;
    if (depth >= 2) throw validationError(`body failed validation: ${path} nests compound filters more than two levels deep.`);
    const parts = requireArray(object[compound], `${path}.${compound}`, 100).map((part, i) => compileFilter(part, schema, `${path}.${compound}[${i}]`, depth + 1));
    return compound === 'and' ? (page) => parts.every((p) => p(page)) : (page) => parts.some((p) => p(page));
  }
  if (typeof object.property !== 'string') invalid(`${path}.property`, 'should be defined', object.property);
  const property = schema.find(object.property);
  if (property === undefined) throw validationError(`Could not find property with name or id: ${object.property}`);
  const condition = object[property.type];
  if (!isObject(condition)) {
    throw validationError(`body failed validation: ${path}.${property.type} should be defined for property "${property.name}" of type ${property.type}.`);
  }
  const entries = Object.entries(condition);
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined || !(OPERATORS[property.type] ?? []).includes(entry[0])) {
    throw validationError(`body failed validation: ${path}.${property.type} should have exactly one of ${(OPERATORS[property.type] ?? []).join(', ')}.`);
  }
  const [operator, operand] = entry;
  return (page) => test(property, readValue(page, property), operator, operand);
}

function readValue(page: PageRecord, property: PropertySchema): unknown {
  return plainValue(page.values.get(property.id) ?? emptyValue(property));
}

function test(property: PropertySchema, value: unknown, operator: string, operand: unknown): boolean {
  const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
  if (operator === 'is_empty') return empty;
  if (operator === 'is_not_empty') return !empty;
  if (property.type === 'multi_select') {
    const has = (value as string[]).includes(String(operand));
    return operator === 'contains' ? has : !has;
  }
  if (property.type === 'select') {
    const wanted = Array.isArray(operand) ? operand.map(String) : [String(operand)];
    return operator === 'equals' ? wanted.includes(String(value)) : !wanted.includes(String(value));
  }
  if (property.type === 'date') return compareDates(value, operator, operand);
  if (property.type === 'number' || property.type === 'checkbox') return compareScalars(value, operator, operand);
  return compareText(typeof value === 'string' ? value : '', operator, String(operand));
}

function compareText(value: string, operator: string, operand: string): boolean {
  switch (operator) {
    case 'equals': return value === operand;
    case 'does_not_equal': return value !== operand;
    case 'contains': return value.includes(operand);
    case 'does_not_contain': return !value.includes(operand);
    case 'starts_with': return value.startsWith(operand);
    default: return value.endsWith(operand);
  }
}

function compareScalars(value: unknown, operator: string, operand: unknown): boolean {
  if (operator === 'equals') return value === operand;
  if (operator === 'does_not_equal') return value !== operand;
  if (typeof value !== 'number' || typeof operand !== 'number') return false;
  if (operator === 'greater_than') return value > operand;
  if (operator === 'less_than') return value < operand;
  if (operator === 'greater_than_or_equal_to') return value >= operand;
  return value <= operand;
}

function compareDates(value: unknown, operator: string, operand: unknown): boolean {
  if (typeof value !== 'string' || typeof operand !== 'string') return false;
  const a = Date.parse(value);
  const b = Date.parse(operand);
  if (operator === 'equals') return a === b;
  if (operator === 'before') return a < b;
  if (operator === 'after') return a > b;
  if (operator === 'on_or_before') return a <= b;
  return a >= b;
}

/** Sorts by properties or timestamps; without sorts, newest first. */
export function sortPages(pages: PageRecord[], sorts: unknown, schema: SchemaView): PageRecord[] {
  const order = new Map(pages.map((page, index) => [page, index]));
  const newestFirst = (a: PageRecord, b: PageRecord) => (order.get(b) ?? 0) - (order.get(a) ?? 0);
  if (sorts === undefined) return [...pages].sort(newestFirst);
  const rules = requireArray(sorts, 'body.sorts', 100).map((raw, i) => {
    const rule = requireObject(raw, `body.sorts[${i}]`);
    const sign = rule.direction === 'descending' ? -1 : 1;
    if (rule.timestamp === 'created_time' || rule.timestamp === 'last_edited_time') {
      return (a: PageRecord, b: PageRecord) => sign * -newestFirst(a, b);
    }
    const property = typeof rule.property === 'string' ? schema.find(rule.property) : undefined;
    if (property === undefined) throw validationError(`Could not find sort property with name or id: ${String(rule.property)}`);
    return (a: PageRecord, b: PageRecord) => {
      const x = readValue(a, property);
      const y = readValue(b, property);
      if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
      return sign * String(x ?? '').localeCompare(String(y ?? ''), 'en', { numeric: true });
    };
  });
  return [...pages].sort((a, b) => {
    for (const rule of rules) {
      const result = rule(a, b);
      if (result !== 0) return result;
    }
    return newestFirst(a, b);
  });
}
