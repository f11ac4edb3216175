import { z } from 'zod';
import { envInt } from './env-value.ts';

/** Where /health, /ready and /metrics listen. */
export const httpConfig = z
  .object({
    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    HTTP_PORT: envInt(0, 65535).default(9464),
  })
  .transform((e) => ({ host: e.HTTP_HOST, port: e.HTTP_PORT }));

export type HttpConfig = z.output<typeof httpConfig>;
