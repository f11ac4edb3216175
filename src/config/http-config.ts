import { z } from 'zod';
import { isLoopbackHost } from '../http/is-loopback-host.ts';
import { envInt, envText, problem } from './env-value.ts';

/**
 * Where /health, /ready, /metrics and the web console listen, and the console's HTTP Basic
 * credentials. `serves`: the command serves HTTP (`start`), so off loopback the credentials are
 * required (the console shows transcripts and retries recordings).
 */
export const httpConfig = (serves: boolean) =>
  z
    .object({
      HTTP_HOST: z.string().min(1).default('127.0.0.1'),
      HTTP_PORT: envInt(0, 65535).default(9464),
      // CONSOLE_PASSWORD is a secret
      CONSOLE_USER: envText,
      CONSOLE_PASSWORD: envText,
    })
    .superRefine((e, ctx) => {
      if (Boolean(e.CONSOLE_USER) !== Boolean(e.CONSOLE_PASSWORD)) {
        const [missing, given] = e.CONSOLE_USER ? ['CONSOLE_PASSWORD', 'CONSOLE_USER'] : ['CONSOLE_USER', 'CONSOLE_PASSWORD'];
        problem(ctx, missing, `required together with ${given}`);
      } else if (serves && !e.CONSOLE_USER && !isLoopbackHost(e.HTTP_HOST)) {
        problem(
          ctx,
          'CONSOLE_USER / CONSOLE_PASSWORD',
          `required when HTTP_HOST (${e.HTTP_HOST}) is not loopback: the web console shows transcripts and retries recordings`,
        );
      }
    })
    .transform((e) => ({
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      /** HTTP Basic credentials of the web console at `/`; required when `host` is not loopback. */
      ...(e.CONSOLE_USER && e.CONSOLE_PASSWORD ? { console: { user: e.CONSOLE_USER, password: e.CONSOLE_PASSWORD } } : {}),
    }));

export type HttpConfig = z.output<ReturnType<typeof httpConfig>>;
