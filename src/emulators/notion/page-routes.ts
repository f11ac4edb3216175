import type { Hono } from 'hono';
import { invalid, requireObject } from './body-validation.ts';
import { parseChildren } from './block-validation.ts';
import type { FileUploadStore } from './file-upload-store.ts';
import { prepareAttachments } from './media-attachments.ts';
import { validationError } from './notion-error.ts';
import { pageObject } from './notion-objects.ts';
import type { DataSourceRecord, NotionStore } from './notion-store.ts';
import { parsePageProperties } from './property-values.ts';
import { readBody, type NotionEnv } from './request-body.ts';

/** `POST /v1/pages` under a data source (or a single-source database), `GET /v1/pages/:id`, and trashing with `PATCH`. */
export function registerPageRoutes(app: Hono<NotionEnv>, store: NotionStore, uploads: FileUploadStore, options: { requireTitle: boolean }): void {
  app.post('/v1/pages', async (c) => {
    const body = await readBody(c);
    const dataSource = resolveParent(store, body.parent);
    const properties = parsePageProperties(body.properties, store.schemaView(dataSource), options.requireTitle);
    const rawChildren = body.children ?? body.content;
    const children = rawChildren === undefined ? [] : parseChildren(rawChildren, body.children === undefined ? 'body.content' : 'body.children');
    if (body.markdown !== undefined) throw validationError('body failed validation: body.markdown is not supported by this emulator.');
    const attach = prepareAttachments(uploads, children, body.children === undefined ? 'body.content' : 'body.children');
    const page = store.insertPage(dataSource, properties, children);
    attach();
    return c.json({ ...pageObject(page, dataSource, c.get('version')), request_id: c.get('requestId') });
  });

  // Only trashing and restoring are emulated; property updates are refused rather than ignored.
  app.patch('/v1/pages/:id', async (c) => {
    const page = store.page(c.req.param('id'));
    const body = await readBody(c);
    const unsupported = Object.keys(body).filter((key) => key !== 'in_trash' && key !== 'archived');
    if (unsupported.length > 0) throw validationError(`body failed validation: ${unsupported.join(', ')} are not supported by this emulator (only in_trash / archived).`);
    for (const key of ['in_trash', 'archived'] as const) {
      if (body[key] === undefined) continue;
      if (typeof body[key] !== 'boolean') invalid(`body.${key}`, 'should be a boolean', body[key]);
      if (key === 'archived' && c.get('version') !== '2025-09-03') throw validationError('body failed validation: body.archived was replaced by body.in_trash in this API version.');
      page.inTrash = body[key] as boolean;
    }
    page.lastEditedTime = new Date().toISOString();
    return c.json({ ...pageObject(page, store.dataSource(page.dataSourceId), c.get('version')), request_id: c.get('requestId') });
  });

  app.get('/v1/pages/:id', (c) => {
    const page = store.page(c.req.param('id'));
    return c.json({ ...pageObject(page, store.dataSource(page.dataSourceId), c.get('version')), request_id: c.get('requestId') });
  });
}

function resolveParent(store: NotionStore, value: unknown): DataSourceRecord {
  const parent = requireObject(value, 'body.parent');
  if (typeof parent.data_source_id === 'string') return store.dataSource(parent.data_source_id, 'body.parent.data_source_id');
  if (typeof parent.database_id === 'string') {
    const database = store.database(parent.database_id, 'body.parent.database_id');
    const only = database.dataSourceIds.length === 1 ? database.dataSourceIds[0] : undefined;
    if (only === undefined) {
      throw validationError('Databases with multiple data sources are not supported in this API version. Use a data_source_id parent instead.');
    }
    return store.dataSource(only);
  }
  if (typeof parent.page_id === 'string') invalid('body.parent', 'should be a data source or database parent (page parents are not emulated)', parent);
  return invalid('body.parent.data_source_id', 'should be defined', undefined);
}
