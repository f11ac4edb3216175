import { Hono } from 'hono';
import type { Metrics } from '../observability/metrics.ts';
import type { Readiness } from './readiness.ts';
import { createConsoleApp, type ConsoleOptions } from './console/console-app.tsx';

/** /health (alive), /ready (every enabled part usable, else 503 with details), /metrics, and the console at `/` when given. */
export function createHttpApp(deps: { readiness: Readiness; metrics: Metrics; refreshGauges?: () => Promise<void>; console?: ConsoleOptions }): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const report = await deps.readiness.report();
    return c.json({ status: report.ready ? 'ready' : 'not ready', components: report.components }, report.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    await deps.refreshGauges?.();
    await deps.readiness.report(); // keeps pipeline_health current
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': deps.metrics.registry.contentType });
  });
  if (deps.console) app.route('/', createConsoleApp(deps.console));
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}
