import type { PoolClient } from 'pg';

/**
 * The PostgreSQL schema, version by version (the same tables and meanings as the SQLite ledger,
 * plus what several instances need: leases and the instance registry). Append; never edit one
 * that has shipped. Applied at start under an advisory lock, so instances starting together
 * migrate once.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE recordings (
     seq BIGSERIAL PRIMARY KEY,
     source TEXT NOT NULL,
     path TEXT NOT NULL,
     relative_path TEXT NOT NULL,
     file_name TEXT NOT NULL,
     size BIGINT NOT NULL,
     mtime_ms BIGINT NOT NULL,
     sha256 TEXT,
     id TEXT,
     state TEXT NOT NULL CHECK (state IN ('pending', 'processing', 'done', 'failed', 'duplicate', 'skipped')),
     owner TEXT,
     lease_until BIGINT,
     attempts INTEGER NOT NULL DEFAULT 0,
     stage TEXT,
     last_error TEXT,
     local_path TEXT,
     duplicate_of TEXT,
     attention TEXT,
     discovered_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     finished_at BIGINT,
     retry_at BIGINT,
     sweeps INTEGER NOT NULL DEFAULT 0,
     UNIQUE (source, path, size, mtime_ms)
   );
   CREATE INDEX recordings_by_id ON recordings (id);
   CREATE INDEX recordings_by_state ON recordings (state, discovered_at);
   CREATE INDEX recordings_by_owner ON recordings (owner) WHERE owner IS NOT NULL;
   CREATE INDEX recordings_by_retry ON recordings (retry_at) WHERE retry_at IS NOT NULL;
   CREATE TABLE checkpoints (
     recording_id TEXT NOT NULL,
     name TEXT NOT NULL,
     value TEXT NOT NULL,
     at BIGINT NOT NULL,
     PRIMARY KEY (recording_id, name)
   );
   CREATE TABLE instances (
     id TEXT PRIMARY KEY,
     host TEXT NOT NULL,
     pid INTEGER NOT NULL,
     started_at BIGINT NOT NULL,
     heartbeat_at BIGINT NOT NULL,
     lease_ms INTEGER NOT NULL
   );
   CREATE TABLE source_walks (
     source TEXT PRIMARY KEY,
     record TEXT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE settled_folders (
     source TEXT NOT NULL,
     folder TEXT NOT NULL,
     settled_at BIGINT NOT NULL,
     PRIMARY KEY (source, folder)
   );`,
];

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
    if (version > PG_MIGRATIONS.length) {
      throw new Error(`ledger schema version ${version} is newer than this program knows (${PG_MIGRATIONS.length}); upgrade recpipe`);
    }
    for (; version < PG_MIGRATIONS.length; version++) await client.query(PG_MIGRATIONS[version]!);
    await client.query('UPDATE recpipe_schema SET version = $1', [version]);
    await client.query('COMMIT');
    return version;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
