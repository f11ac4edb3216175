import type { Config } from '../config.ts';
import type { Ledger } from './ledger.ts';
import { PgLedger } from './pg-ledger.ts';
import { SqliteLedger } from './sqlite-ledger.ts';

/**
 * The configured ledger: PostgreSQL when DATABASE_URL is set (shared by several instances), else
 * SQLite at $DATA_DIR/pipeline.db. A `processor` (start, run --once) holds leases and heartbeats;
 * a `reader` (status, retry, doctor) does not register as an instance.
 */
export async function openLedger(
  config: Pick<Config, 'databaseUrl' | 'database' | 'paths'>,
  role: 'processor' | 'reader',
  hooks: { onLeaseLost?: (seq: number) => void } = {},
): Promise<Ledger> {
  if (!config.databaseUrl) return new SqliteLedger(config.paths.sqlitePath);
  return PgLedger.connect({
    connectionString: config.databaseUrl,
    role,
    leaseMs: config.database.leaseMs,
    poolMax: config.database.poolMax,
    ...hooks,
  });
}
