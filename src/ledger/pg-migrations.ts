import type { PoolClient } from 'pg';
import { MIGRATIONS } from './migrations.ts';

// pg_advisory_xact_lock key: "recpipe" in ASCII, so other applications' keys are unlikely to clash
const MIGRATION_LOCK = 0x72656370697065n;

/** Brings the schema up to date inside one transaction holding the migration lock. Returns the version. */
export async function migratePostgres(client: PoolClient): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query('CREATE TABLE IF NOT EXISTS recpipe_schema (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM recpipe_schema');
    let version = rows[0]?.version ?? 0;
    if (rows.length === 0) await client.query('INSERT INTO recpipe_schema (version) VALUES (0)');
    if (version > MIGRATIONS.length) {
      throw new Error(`ledger schema version ${version} is newer than this program knows (${MIGRATIONS.length}); upgrade recpipe`);
    }
    for (; version < MIGRATIONS.length; version++) await client.query(MIGRATIONS[version]!.postgres);
    await client.query('UPDATE recpipe_schema SET version = $1', [version]);
    await client.query('COMMIT');
    return version;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
