import type { Hono } from 'hono';
import { requireObject } from './body-validation.ts';
import { validationError } from './notion-error.ts';
import { dataSourceObject, databaseObject, pageObject } from './notion-objects.ts';
import type { DataSourceRecord, NotionStore } from './notion-store.ts';
import { parsePropertyDefinition } from './property-schema.ts';
import { compileFilter, sortPages } from './query-filter.ts';
import { paginate, pageSize, readBody, type NotionEnv } from './request-body.ts';
import { parseRichText, plainText } from './rich-text.ts';

/** `GET /v1/databases/:id` and the data-source routes (retrieve, update, query) of 2025-09-03. */
export function registerDataSourceRoutes(app: Hono<NotionEnv>, store: NotionStore): void {
  app.get('/v1/databases/:id', (c) => c.json(databaseObject(store.database(c.req.param('id')), store, c.get('version'))));

  app.get('/v1/data_sources/:id', (c) => c.json(dataSourceObject(store.dataSource(c.req.param('id')), c.get('version'))));

  app.patch('/v1/data_sources/:id', async (c) => {
    const dataSource = store.dataSource(c.req.param('id'));
    const body = await readBody(c);
    if (body.title !== undefined) dataSource.title = plainText(parseRichText(body.title, 'body.title'));
    if (body.properties !== undefined) updateProperties(dataSource, requireObject(body.properties, 'body.properties'));
    dataSource.lastEditedTime = new Date().toISOString();
    return c.json(dataSourceObject(dataSource, c.get('version')));
  });

  app.post('/v1/data_sources/:id/query', async (c) => {
    const dataSource = store.dataSource(c.req.param('id'));
    const body = await readBody(c);
    const schema = store.schemaView(dataSource);
    const size = pageSize(body.page_size, 'body.page_size');
    const predicate = body.filter === undefined ? () => true : compileFilter(body.filter, schema);
    // like Notion, a query leaves out pages in the trash unless asked (`in_trash: true`)
    const inTrash = body.in_trash === true;
    const sorted = sortPages(store.pagesOf(dataSource).filter((p) => (p.inTrash === true) === inTrash).filter(predicate), body.sorts, schema);
    const { page, nextCursor } = paginate(sorted, body.start_cursor, size, 'body.start_cursor');
    return c.json({
      object: 'list',
      results: page.map((p) => pageObject(p, dataSource, c.get('version'))),
      next_cursor: nextCursor,
      has_more: nextCursor !== null,
      type: 'page_or_data_source',
      page_or_data_source: {},
      request_id: c.get('requestId'),
    });
  });
}

/** Adds, renames, retypes (`{"select":{…}}`) or removes (`null`) columns, as a data-source update does. */
function updateProperties(dataSource: DataSourceRecord, changes: Record<string, unknown>): void {
  const next = [...dataSource.properties];
  for (const [key, change] of Object.entries(changes)) {
    const index = next.findIndex((p) => p.name === key || p.id === key);
    const existing = index >= 0 ? next[index] : undefined;
    if (change === null) {
      if (existing === undefined) throw validationError(`${key} is not a property that exists.`);
      if (existing.type === 'title') throw validationError('Cannot delete the title property of a data source.');
      next.splice(index, 1);
      continue;
    }
    const updated = parsePropertyDefinition(key, change, `body.properties.${key}`, existing);
    if ((existing?.type === 'title') !== (updated.type === 'title')) {
      throw validationError(existing?.type === 'title' ? 'Cannot change the type of the title property.' : 'A data source can have only one title property.');
    }
    if (next.some((p, i) => i !== index && p.name === updated.name)) {
      throw validationError(`A property named ${updated.name} already exists in this data source.`);
    }
    if (existing === undefined) next.push(updated);
    else next[index] = updated;
  }
  dataSource.properties = next;
}
