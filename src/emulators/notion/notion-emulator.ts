import { Hono } from 'hono';
import type { Context } from 'hono';
import { registerBlockRoutes } from './block-routes.ts';
import { registerDataSourceRoutes } from './data-source-routes.ts';
import { defaultCode, type Fault, FaultInjector } from './fault-injector.ts';
import { registerFileUploadRoutes } from './file-upload-routes.ts';
import { DEFAULT_UPLOAD_TTL_MS, FileUploadStore, PAID_MAX_FILE_BYTES } from './file-upload-store.ts';
import { NotionApiError, newRequestId } from './notion-error.ts';
import { botUserObject, SUPPORTED_VERSIONS, type NotionVersion } from './notion-objects.ts';
import { NotionStore } from './notion-store.ts';
import { type EmulatedPage, snapshotPage } from './page-snapshot.ts';
import { registerPageRoutes } from './page-routes.ts';
import type { NotionEnv } from './request-body.ts';
import { TokenBucket } from './token-bucket.ts';

export interface NotionEmulatorOptions {
  /** The only accepted integration token; any non-empty bearer token when unset. */
  token?: string;
  /** Average requests per second per token (default 3, Notion's documented average); 0 turns the limit off. */
  requestsPerSecond?: number;
  /** Requests allowed back to back before the average applies (default 10). */
  burst?: number;
  /** Reject pages without a title value (default true; stricter than Notion, which allows untitled pages). */
  requireTitle?: boolean;
  /**
   * The workspace's per-file upload limit in bytes: default 5 GiB (a paid plan); 5 MiB
   * (`FREE_MAX_FILE_BYTES`) emulates a free workspace. `GET /v1/users/me` reports it.
   */
  maxFileUploadBytes?: number;
  /** How long a file upload may stay unattached before it expires (default one hour). */
  fileUploadTtlMs?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** Request body size from Content-Length (0 when the client sent no body). */
  bytes: number;
  at: number;
}

/** A running emulator's handles: the Hono app to serve, its state, and the test controls. */
export interface NotionEmulator {
  /** A plain Hono app, ready for `serveApp`. */
  app: Hono;
  store: NotionStore;
  /** File uploads and their state (pending, uploaded, expired), for tests to inspect. */
  uploads: FileUploadStore;
  faults: FaultInjector;
  /** Every `/v1` request with the status it got, in arrival order. */
  requests: RequestLogEntry[];
  /** Seeds a database (title property `Name` unless `properties` names one); properties in data-source update form. */
  createDatabase(title: string, properties?: Record<string, unknown>): { databaseId: string; dataSourceId: string };
  /** Every page with its properties and body, oldest first. */
  pages(): EmulatedPage[];
  /** Changes the rate limit at run time (e.g. to stage a 429 storm). */
  setRateLimit(requestsPerSecond: number, burst?: number): void;
}

/** An in-memory Notion API (version 2025-09-03 semantics, 2026-03-11 shapes) for tests and the demo. */
export function createNotionEmulator(options: NotionEmulatorOptions = {}): NotionEmulator {
  const store = new NotionStore();
  const maxFileUploadBytes = options.maxFileUploadBytes ?? PAID_MAX_FILE_BYTES;
  const uploads = new FileUploadStore({ maxFileBytes: maxFileUploadBytes, ttlMs: options.fileUploadTtlMs ?? DEFAULT_UPLOAD_TTL_MS });
  const faults = new FaultInjector();
  const requests: RequestLogEntry[] = [];
  const buckets = new Map<string, TokenBucket>();
  let limit = { requestsPerSecond: options.requestsPerSecond ?? 3, burst: options.burst ?? 10 };
  // the API runs with typed per-request variables; the outer app is what servers and tests see
  const app = new Hono<NotionEnv>();
  const root = new Hono();

  app.onError((error, c) => {
    const apiError = error instanceof NotionApiError ? error : new NotionApiError(500, 'internal_server_error', 'Unexpected error occurred.');
    return c.json(apiError.body(c.get('requestId') ?? newRequestId()), apiError.status as 400, apiError.headers);
  });
  root.notFound((c) => c.json(new NotionApiError(400, 'invalid_request_url', 'Invalid request URL.').body(newRequestId()), 400));
  root.get('/_emulator/pages', (c) => c.json({ pages: snapshot() }));

  app.use('/v1/*', async (c, next) => {
    const requestId = newRequestId();
    c.set('requestId', requestId);
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    await next();
    c.res.headers.set('x-notion-request-id', requestId);
    requests.push({ method: c.req.method, path: c.req.path, status: c.res.status, bytes: Number(c.req.header('content-length') ?? 0), at: Date.now() });
  });

  app.use('/v1/*', async (c, next) => {
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (!token || (options.token !== undefined && token !== options.token)) {
      throw new NotionApiError(401, 'unauthorized', 'API token is invalid.');
    }
    const version = c.req.header('notion-version');
    if (version === undefined) {
      throw new NotionApiError(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.');
    }
    if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
      throw new NotionApiError(400, 'validation_error', `Notion-Version header failed validation: this emulator serves ${SUPPORTED_VERSIONS.join(' and ')}, instead was \`"${version}"\`.`);
    }
    c.set('version', version as NotionVersion);
    let bucket = buckets.get(token);
    if (bucket === undefined) buckets.set(token, (bucket = new TokenBucket(limit.requestsPerSecond, limit.burst)));
    const taken = bucket.take();
    if (!taken.ok) {
      throw new NotionApiError(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.',
        { rate_limit_reason: 'public_api_request_rate_limit' }, { 'retry-after': String(taken.retryAfterSeconds) });
    }
    const fault = faults.take(c.req.method, c.req.path);
    if (fault === undefined) return next();
    if (fault.after === true) await next();
    if (fault.delayMs !== undefined) await sleep(fault.delayMs);
    if (fault.status === undefined) {
      if (fault.after !== true) await next();
      return;
    }
    // drop the real answer first: Hono would merge its headers into the fault's
    c.res = undefined;
    c.res = faultResponse(c, fault);
  });

  app.get('/v1/users/me', (c) => c.json({ ...botUserObject(maxFileUploadBytes), request_id: c.get('requestId') }));
  registerDataSourceRoutes(app, store);
  registerPageRoutes(app, store, uploads, { requireTitle: options.requireTitle ?? true });
  registerBlockRoutes(app, store, uploads);
  registerFileUploadRoutes(app, uploads);
  root.route('/', app);

  function snapshot(): EmulatedPage[] {
    return [...store.pages.values()].map((page) => snapshotPage(store, page));
  }

  return {
    app: root,
    store,
    uploads,
    faults,
    requests,
    createDatabase: (title, properties) => store.createDatabase(title, properties),
    pages: snapshot,
    setRateLimit(requestsPerSecond, burst = limit.burst) {
      limit = { requestsPerSecond, burst };
      buckets.clear();
    },
  };
}

function faultResponse(c: Context<NotionEnv>, fault: Fault): Response {
  const status = fault.status ?? 500;
  const headers = new Headers({ 'x-notion-request-id': c.get('requestId') });
  const retryAfter = fault.retryAfter ?? (status === 429 || status === 529 ? 1 : undefined);
  if (retryAfter !== undefined) headers.set('retry-after', String(retryAfter));
  const code = fault.code ?? defaultCode(status);
  if (fault.rawBody !== undefined || code === undefined) {
    headers.set('content-type', 'text/html');
    return new Response(fault.rawBody ?? `<html><body><h1>${status}</h1></body></html>`, { status, headers });
  }
  const additional = code === 'rate_limited' ? { rate_limit_reason: 'public_api_request_rate_limit' } : undefined;
  const error = new NotionApiError(status, code, fault.message ?? `Injected fault (${code}).`, additional);
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(error.body(c.get('requestId'))), { status, headers });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
