import { z } from 'zod';
import { envText, problem } from './env-value.ts';

/** DATABASE_URL: reserved for a PostgreSQL ledger; refused while only SQLite exists, rather than silently ignored. */
export const ledgerConfig = z
  .object({
    DATABASE_URL: envText.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (unset means SQLite)').optional()),
  })
  .superRefine((e, ctx) => {
    if (e.DATABASE_URL)
      problem(ctx, 'DATABASE_URL', 'the PostgreSQL ledger is not available in this version; unset it to use SQLite at $DATA_DIR/pipeline.db');
  })
  .transform((e) => e.DATABASE_URL);
