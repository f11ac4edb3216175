import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** A running HTTP server for a Hono app (the health and metrics server, the emulators). */
export interface ServedApp {
  /** `http://127.0.0.1:<port>` with no trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `app` on loopback; port 0 (the default) picks a free port. */
export async function serveApp(app: Hono, options: { host?: string; port?: number } = {}): Promise<ServedApp> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            // open keep-alive sockets (SDK agents) would hold close() forever
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
