import type { Hono } from 'hono';
import { invalid, requireObject } from './body-validation.ts';
import { parseChildren } from './block-validation.ts';
import type { FileUploadStore } from './file-upload-store.ts';
import { prepareAttachments } from './media-attachments.ts';
import { blockObject } from './notion-objects.ts';
import type { NotionStore } from './notion-store.ts';
import { paginate, pageSize, readBody, type NotionEnv } from './request-body.ts';

/** Append (`PATCH`) and list (`GET`) the children of a page or block. */
export function registerBlockRoutes(app: Hono<NotionEnv>, store: NotionStore, uploads: FileUploadStore): void {
  app.patch('/v1/blocks/:id/children', async (c) => {
    const parent = store.parentOfChildren(c.req.param('id'));
    const body = await readBody(c);
    const children = parseChildren(body.children, 'body.children');
    const attach = prepareAttachments(uploads, children, 'body.children');
    const created = store.insertBlocks(parent, children, afterBlockId(body, c.get('version')));
    attach();
    return c.json({
      object: 'list',
      results: created.map((b) => blockObject(b, c.get('version'))),
      next_cursor: null,
      has_more: false,
      type: 'block',
      block: {},
      request_id: c.get('requestId'),
    });
  });

  app.get('/v1/blocks/:id/children', (c) => {
    const parent = store.parentOfChildren(c.req.param('id'));
    const size = pageSize(c.req.query('page_size'), 'query.page_size');
    const { page, nextCursor } = paginate(store.childrenOf(parent), c.req.query('start_cursor'), size, 'query.start_cursor');
    return c.json({
      object: 'list',
      results: page.map((b) => blockObject(b, c.get('version'))),
      next_cursor: nextCursor,
      has_more: nextCursor !== null,
      type: 'block',
      block: {},
      request_id: c.get('requestId'),
    });
  });
}

/** 2025-09-03 takes `after: <block id>`; 2026-03-11 replaced it with `position`. */
function afterBlockId(body: Record<string, unknown>, version: string): string | undefined {
  if (version === '2025-09-03') {
    if (body.position !== undefined) invalid('body.position', 'should be undefined in API version 2025-09-03 (use `after`)', body.position);
    if (body.after === undefined) return undefined;
    if (typeof body.after !== 'string') invalid('body.after', 'should be a string', body.after);
    return body.after;
  }
  if (body.after !== undefined) invalid('body.after', 'should be undefined in API version 2026-03-11 (use `position`)', body.after);
  if (body.position === undefined) return undefined;
  const position = requireObject(body.position, 'body.position');
  if (position.type === 'end') return undefined;
  if (position.type === 'after_block') {
    const target = requireObject(position.after_block, 'body.position.after_block');
    if (typeof target.id !== 'string') invalid('body.position.after_block.id', 'should be a string', target.id);
    return target.id;
  }
  return invalid('body.position.type', 'should be `"after_block"` or `"end"` (`"start"` is not emulated)', position.type);
}
