import type { Context, Hono } from 'hono';
import { readLimitedBody } from '../limited-body.ts';
import { invalid } from './body-validation.ts';
import { type FileUploadRecord, type FileUploadStore, MAX_SEND_BYTES } from './file-upload-store.ts';
import { validationError } from './notion-error.ts';
import { BOT_USER_ID, type NotionVersion } from './notion-objects.ts';
import { paginate, pageSize, readBody, type NotionEnv } from './request-body.ts';

/** Room for the multipart envelope (boundaries, part headers, `part_number`) around a 20 MiB part. */
const ENVELOPE_BYTES = 64 * 1024;
const STATUSES = ['pending', 'uploaded', 'expired', 'failed'];

/**
 * The File Upload API: create (JSON), send (multipart/form-data: `file`, and `part_number` in
 * multi-part mode), complete (multi-part only), retrieve and list.
 */
export function registerFileUploadRoutes(app: Hono<NotionEnv>, uploads: FileUploadStore): void {
  const answer = (c: Context<NotionEnv>, upload: FileUploadRecord) =>
    c.json({ ...fileUploadObject(upload, uploads, c.get('version'), new URL(c.req.url).origin), request_id: c.get('requestId') });

  app.post('/v1/file_uploads', async (c) => answer(c, uploads.create(await readBody(c))));

  app.get('/v1/file_uploads', (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !STATUSES.includes(status)) invalid('query.status', `should be one of ${STATUSES.map((s) => `\`"${s}"\``).join(', ')}`, status);
    const size = pageSize(c.req.query('page_size'), 'query.page_size');
    const { page, nextCursor } = paginate(uploads.list(status), c.req.query('start_cursor'), size, 'query.start_cursor');
    const origin = new URL(c.req.url).origin;
    return c.json({
      object: 'list',
      results: page.map((u) => fileUploadObject(u, uploads, c.get('version'), origin)),
      next_cursor: nextCursor,
      has_more: nextCursor !== null,
      type: 'file_upload',
      file_upload: {},
      request_id: c.get('requestId'),
    });
  });

  app.get('/v1/file_uploads/:id', (c) => answer(c, uploads.get(c.req.param('id'))));

  app.post('/v1/file_uploads/:id/send', async (c) => {
    const upload = uploads.get(c.req.param('id'));
    const form = await readForm(c);
    const file = form.get('file');
    if (file === null || typeof file === 'string') invalid('body.file', 'should be a file', file ?? undefined);
    const part = form.get('part_number');
    if (part !== null && typeof part !== 'string') invalid('body.part_number', 'should be a string', '[file]');
    const bytes = Buffer.from(await file.arrayBuffer());
    return answer(c, uploads.send(upload.id, { name: file.name, type: file.type, bytes }, part ?? undefined));
  });

  app.post('/v1/file_uploads/:id/complete', (c) => answer(c, uploads.complete(c.req.param('id'))));
}

/** A multipart body of at most one 20 MiB part (plus envelope), parsed the way fetch does. */
async function readForm(c: Context<NotionEnv>): Promise<FormData> {
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data;\s*boundary=/i.test(type)) {
    throw validationError(`Content-Type header should be \`multipart/form-data\` with a boundary for this endpoint, instead was \`"${type}"\`.`);
  }
  const { bytes, total } = await readLimitedBody(c.req.raw.body, MAX_SEND_BYTES + ENVELOPE_BYTES);
  if (bytes === undefined) {
    throw validationError(`The request body is ${total} bytes; one send carries at most ${MAX_SEND_BYTES} bytes (20 MiB) of file contents. Use multi_part mode for larger files.`);
  }
  try {
    return await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    throw validationError('body failed validation: the multipart/form-data body could not be parsed.');
  }
}

/** The FileUpload object (developers.notion.com reference/file-upload) in this version's shape. */
export function fileUploadObject(upload: FileUploadRecord, uploads: FileUploadStore, version: NotionVersion, origin: string): Record<string, unknown> {
  const pending = upload.status === 'pending';
  const base = `${origin}/v1/file_uploads/${upload.id}`;
  return {
    object: 'file_upload',
    id: upload.id,
    created_time: upload.createdTime,
    created_by: { id: BOT_USER_ID, type: 'bot' },
    last_edited_time: upload.lastEditedTime,
    ...(version === '2025-09-03' ? { in_trash: false, archived: false } : { in_trash: false }),
    expiry_time: upload.expiresAt === null ? null : new Date(upload.expiresAt).toISOString(),
    status: upload.status,
    filename: upload.filename,
    content_type: upload.contentType,
    content_length: upload.contentLength,
    ...(pending ? { upload_url: `${base}/send` } : {}),
    ...(pending && upload.mode === 'multi_part' ? { complete_url: `${base}/complete` } : {}),
    ...(upload.mode === 'multi_part' ? { number_of_parts: { total: upload.numberOfParts ?? 1, sent: uploads.sentParts(upload) } } : {}),
  };
}
