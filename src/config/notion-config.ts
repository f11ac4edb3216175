import { z } from 'zod';
import { envBool, envInt, envText, problem } from './env-value.ts';

/** The Notion publisher, on when NOTION_TOKEN and NOTION_DATABASE_ID are both set; else undefined. */
export const notionConfig = z
  .object({
    NOTION_TOKEN: envText,
    NOTION_DATABASE_ID: envText,
    NOTION_BASE_URL: envText.pipe(z.url().optional()),
    NOTION_REQUESTS_PER_SECOND: z.coerce.number().positive().max(100).default(3),
    NOTION_ATTACH_AUDIO: envBool.default(false),
    // a free workspace's per-file limit (5 MiB); paid workspaces allow 5 GiB
    NOTION_MAX_UPLOAD_BYTES: envInt(1).default(5 * 1024 * 1024),
  })
  .superRefine((e, ctx) => {
    if (Boolean(e.NOTION_TOKEN) !== Boolean(e.NOTION_DATABASE_ID)) {
      const [missing, given] = e.NOTION_TOKEN ? ['NOTION_DATABASE_ID', 'NOTION_TOKEN'] : ['NOTION_TOKEN', 'NOTION_DATABASE_ID'];
      problem(ctx, missing, `required together with ${given}`);
    }
  })
  .transform((e) =>
    e.NOTION_TOKEN && e.NOTION_DATABASE_ID
      ? {
          token: e.NOTION_TOKEN,
          databaseId: e.NOTION_DATABASE_ID,
          baseUrl: e.NOTION_BASE_URL,
          requestsPerSecond: e.NOTION_REQUESTS_PER_SECOND,
          /** Attach each recording's normalized audio to its page. */
          attachAudio: e.NOTION_ATTACH_AUDIO,
          /** Audio files larger than this are not attached (the workspace's own limit may be lower). */
          maxUploadBytes: e.NOTION_MAX_UPLOAD_BYTES,
        }
      : undefined,
  );

export type NotionConfig = NonNullable<z.output<typeof notionConfig>>;
