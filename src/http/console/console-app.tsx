/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { csrf } from 'hono/csrf';
import { audioResponse } from './audio-response.ts';
import { PAGE_SIZE, parseConsoleQuery } from './console-query.ts';
import type { ConsoleStore } from './console-store.ts';
import { csrfToken, csrfTokenValid } from './csrf-token.ts';
import { Layout } from './layout.tsx';
import { RecordingPage } from './recording-page.tsx';
import { RecordingsPage } from './recordings-page.tsx';

export interface ConsoleOptions {
  store: ConsoleStore;
  /** HTTP Basic credentials; required (config refuses to start otherwise) when HTTP_HOST is not loopback. */
  credentials?: { user: string; password: string };
  /** Called after a retry put recordings back to pending, so the pipeline picks them up at once. */
  onRetried?: () => void;
}

// the console loads nothing from elsewhere and runs no script: a stray tag in a transcript could do nothing
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; media-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const SEQ = /^[1-9]\d{0,15}$/;

/**
 * The web console at `/` (same server and port as /health, /ready, /metrics): the recordings
 * with filters and full-text search, a recording's page with its audio, and the retry actions
 * (POST forms behind an Origin check and a double-submit token). Only its own paths get the
 * credentials check, so probes and Prometheus stay open.
 */
export function createConsoleApp(options: ConsoleOptions): Hono {
  const { store } = options;
  const app = new Hono();
  const guard: MiddlewareHandler[] = [
    async (c, next) => {
      await next();
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    },
  ];
  if (options.credentials) {
    guard.push(basicAuth({ username: options.credentials.user, password: options.credentials.password, realm: 'recpipe console' }));
  }
  for (const path of ['/', '/recordings/*', '/actions/*']) app.use(path, ...guard);
  app.use('/recordings/*', csrf());
  app.use('/actions/*', csrf());

  app.get('/', async (c) => {
    const { filter, page } = parseConsoleQuery(c.req.query());
    const [{ items, total }, facets, failedCount] = await Promise.all([
      store.list(filter, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
      store.facets(),
      store.failedCount(),
    ]);
    return c.html(
      <RecordingsPage
        items={items}
        total={total}
        filter={filter}
        page={page}
        pageSize={PAGE_SIZE}
        facets={facets}
        failedCount={failedCount}
        csrf={csrfToken(c)}
        notice={noticeOf(c)}
      />,
    );
  });

  app.get('/recordings/:seq', async (c) => {
    const seq = c.req.param('seq');
    const detail = SEQ.test(seq) ? await store.recording(Number(seq)) : undefined;
    if (!detail) return notFound(c);
    return c.html(<RecordingPage detail={detail} csrf={csrfToken(c)} notice={noticeOf(c)} />);
  });

  app.get('/recordings/:seq/audio', async (c) => {
    const seq = c.req.param('seq');
    const audio = SEQ.test(seq) ? await store.audio(Number(seq)) : undefined;
    if (!audio) return c.text('no audio for this recording', 404);
    return audioResponse(audio, c.req.header('Range'));
  });

  app.post('/recordings/:seq/retry', async (c) => {
    const body = await c.req.parseBody();
    if (!csrfTokenValid(c, body.csrf)) return forbidden(c);
    const seq = c.req.param('seq');
    const retried = SEQ.test(seq) && (await store.retry(Number(seq)));
    if (retried) options.onRetried?.();
    return c.redirect(withNotice(body.back, retried ? 'retried-1' : 'not-failed'), 303);
  });

  app.post('/actions/retry-failed', async (c) => {
    const body = await c.req.parseBody();
    if (!csrfTokenValid(c, body.csrf)) return forbidden(c);
    const count = await store.retryAllFailed();
    if (count > 0) options.onRetried?.();
    return c.redirect(withNotice(body.back, `retried-${count}`), 303);
  });

  return app;
}

function notFound(c: Context) {
  c.status(404);
  return c.html(
    <Layout title="Not found">
      <h1>No such recording</h1>
      <p>
        <a href="/">Back to the recordings</a>
      </p>
    </Layout>,
  );
}

function forbidden(c: Context) {
  c.status(403);
  return c.html(
    <Layout title="Refused">
      <h1>Refused</h1>
      <p>The form was stale or did not come from this console. Reload the page and try again.</p>
    </Layout>,
  );
}

/** Where to go after an action: a local path from the form (never another site), plus the notice code. */
function withNotice(back: unknown, notice: string): string {
  const local = typeof back === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(back) ? back : '/';
  const url = new URL(local, 'http://console.invalid');
  url.searchParams.set('notice', notice);
  return `${url.pathname}${url.search}`;
}

/** The flash message for a notice code; codes only, so a link cannot put words in the console's mouth. */
function noticeOf(c: Context): string | undefined {
  const notice = c.req.query('notice');
  if (notice === 'not-failed') return 'Only a failed recording can be retried; this one is not failed (any more).';
  const retried = /^retried-(\d{1,7})$/.exec(notice ?? '');
  if (!retried) return undefined;
  const n = Number(retried[1]);
  if (n === 0) return 'No failed recordings to retry.';
  return `${n} recording${n === 1 ? ' is' : 's are'} pending again; the pipeline picks ${n === 1 ? 'it' : 'them'} up shortly.`;
}
