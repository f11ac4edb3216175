import { z } from 'zod';

/** Log level and format; the format defaults to `pretty` on a terminal, `json` elsewhere. */
export const logConfig = (isTTY: boolean) =>
  z
    .object({
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    })
    .transform((e) => ({ level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (isTTY ? 'pretty' : 'json') }));

export type LogConfig = z.output<ReturnType<typeof logConfig>>;
