import { z } from 'zod';
import { envInt, envText } from './env-value.ts';

/** DATABASE_URL: a PostgreSQL ledger shared by several instances; unset → SQLite at $DATA_DIR/pipeline.db. */
export const databaseUrlConfig = z
  .object({
    DATABASE_URL: envText.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (unset means SQLite)').optional()),
  })
  .transform((e) => e.DATABASE_URL);

/** PostgreSQL ledger (DATABASE_URL set): how long a claim lives without a heartbeat, and the pool size. */
export const databaseConfig = z
  .object({
    LEASE_MS: envInt(1000).default(30_000),
    PG_POOL_MAX: envInt(1, 100).default(10),
  })
  .transform((e) => ({ leaseMs: e.LEASE_MS, poolMax: e.PG_POOL_MAX }));

export type DatabaseConfig = z.output<typeof databaseConfig>;
