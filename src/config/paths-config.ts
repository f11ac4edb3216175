import path from 'node:path';
import { z } from 'zod';
import { envText } from './env-value.ts';

/** DATA_DIR and the folders under it; INBOX_DIR may live elsewhere. All absolute. */
export const pathsConfig = z
  .object({
    DATA_DIR: z.string().default('./data'),
    INBOX_DIR: envText,
  })
  .transform((e) => {
    const dataDir = path.resolve(e.DATA_DIR);
    return {
      dataDir,
      inboxDir: path.resolve(e.INBOX_DIR ?? path.join(dataDir, 'inbox')),
      workDir: path.join(dataDir, 'work'),
      processedDir: path.join(dataDir, 'processed'),
      failedDir: path.join(dataDir, 'failed'),
      transcriptsDir: path.join(dataDir, 'transcripts'),
      sqlitePath: path.join(dataDir, 'pipeline.db'),
    };
  });

export type PathsConfig = z.output<typeof pathsConfig>;
