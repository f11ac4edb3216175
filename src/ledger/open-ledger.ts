import type { Config } from '../config.ts';
import { PermanentError, TransientError } from '../errors.ts';
import type { Ledger } from './ledger.ts';
import { SqliteLedger } from './sqlite-ledger.ts';

/**
 * The configured ledger: PostgreSQL when DATABASE_URL is set (shared by several instances), else
 * SQLite at $DATA_DIR/pipeline.db. A `processor` (start, run --once) holds leases and heartbeats;
 * a `reader` (status, retry, doctor) does not register as an instance.
 */
export async function openLedger(
  config: Pick<Config, 'databaseUrl' | 'database' | 'paths'>,
  role: 'processor' | 'reader',
  hooks: { onLeaseLost?: (seq: number) => void; maxHeld?: number } = {},
): Promise<Ledger> {
  if (!config.databaseUrl) return new SqliteLedger(config.paths.sqlitePath);
  // loaded only for PostgreSQL: a SQLite installation never loads the pg driver
  const { PgLedger } = await import('./pg-ledger.ts');
  return PgLedger.connect({
    connectionString: config.databaseUrl,
    role,
    leaseMs: config.database.leaseMs,
    poolMax: config.database.poolMax,
    ...hooks,
  });
}

/**
 * Opens the ledger for a command; a PostgreSQL that cannot be reached or used is returned as an
 * error (the caller prints one line). Anything else (a corrupt SQLite file, a DATA_DIR that is a
 * file) is thrown on, to the CLI's operator-error lines.
 */
export async function openLedgerOrReason(
  config: Pick<Config, 'databaseUrl' | 'database' | 'paths'>,
  role: 'processor' | 'reader',
  options: { maxHeld?: number } = {},
): Promise<Ledger | TransientError | PermanentError> {
  try {
    return await openLedger(config, role, options);
  } catch (error) {
    if ((error instanceof TransientError || error instanceof PermanentError) && error.system === 'postgres') return error;
    throw error;
  }
}
