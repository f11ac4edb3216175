import pg from 'pg';
import { redactUrlCredentials } from './redact-url.ts';
import { classifyPgError } from './classify-pg-error.ts';
import { MIGRATIONS } from './migrations.ts';

const TABLES = ['recordings', 'checkpoints', 'instances', 'source_walks', 'settled_folders'];

/**
 * `recpipe doctor`'s PostgreSQL line: connects (without migrating), reads the schema version and
 * checks this user may read and write every ledger table — or, on a new database, create them.
 * Throws one line saying what is wrong.
 */
export async function checkPostgres(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw classifyPgError(error, `connect to ${redactUrlCredentials(url)}`);
  }
  try {
    const server = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
    const where = `${redactUrlCredentials(url)} (PostgreSQL ${server})`;
    const exists = (await client.query<{ t: string | null }>(`SELECT to_regclass('recpipe_schema')::text AS t`)).rows[0]?.t;
    if (!exists) {
      const create = (await client.query<{ ok: boolean }>(`SELECT has_database_privilege(current_database(), 'CREATE') AND has_schema_privilege('public', 'CREATE') AS ok`)).rows[0]?.ok;
      if (!create) throw new Error(`${where}: empty database and this user may not create tables in it (GRANT CREATE ON SCHEMA public)`);
      return `${where}: empty; the schema (version ${MIGRATIONS.length}) is created at the first start`;
    }
    const version = (await client.query<{ version: number }>('SELECT version FROM recpipe_schema')).rows[0]?.version ?? 0;
    if (version > MIGRATIONS.length) throw new Error(`${where}: schema version ${version} is newer than this recpipe knows (${MIGRATIONS.length}); upgrade recpipe`);
    const missing: string[] = [];
    for (const table of TABLES) {
      const ok = (await client.query<{ ok: boolean | null }>(
        `SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE has_table_privilege($1, 'SELECT, INSERT, UPDATE, DELETE') END AS ok`,
        [table],
      )).rows[0]?.ok;
      if (ok === false) missing.push(table);
    }
    if (missing.length > 0) throw new Error(`${where}: this user may not read and write ${missing.join(', ')} (GRANT SELECT, INSERT, UPDATE, DELETE)`);
    const counts = (await client.query<{ n: number; alive: number }>(
      `SELECT (SELECT COUNT(*)::int FROM recordings) AS n,
              (SELECT COUNT(*)::int FROM instances WHERE heartbeat_at + lease_ms >= (extract(epoch from clock_timestamp()) * 1000)::bigint) AS alive`,
    )).rows[0];
    const upgrade = version < MIGRATIONS.length ? `, upgraded to ${MIGRATIONS.length} at the next start` : '';
    return `${where}: schema version ${version}${upgrade}, ${counts?.n ?? 0} recordings, ${counts?.alive ?? 0} instances alive`;
  } finally {
    await client.end().catch(() => {});
  }
}
