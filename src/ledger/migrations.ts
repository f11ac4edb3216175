/**
 * The ledger's schema, version by version, for both engines in one place: version N means the same
 * tables and meanings on SQLite and PostgreSQL (PostgreSQL adds what several instances need: leases
 * and the instance registry). Append; never edit one that has shipped.
 */
export interface Migration {
  name: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'recordings and checkpoints',
    sqlite: `CREATE TABLE recordings (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       source TEXT NOT NULL,
       path TEXT NOT NULL,
       relative_path TEXT NOT NULL,
       file_name TEXT NOT NULL,
       size INTEGER NOT NULL,
       mtime_ms INTEGER NOT NULL,
       sha256 TEXT,
       id TEXT,
       state TEXT NOT NULL CHECK (state IN ('pending', 'processing', 'done', 'failed', 'duplicate', 'skipped')),
       owner TEXT,
       attempts INTEGER NOT NULL DEFAULT 0,
       stage TEXT,
       last_error TEXT,
       local_path TEXT,
       duplicate_of TEXT,
       attention TEXT,
       discovered_at INTEGER NOT NULL,
       updated_at INTEGER NOT NULL,
       finished_at INTEGER,
       UNIQUE (source, path, size, mtime_ms)
     );
     CREATE INDEX recordings_by_id ON recordings (id);
     CREATE INDEX recordings_by_state ON recordings (state, discovered_at);
     CREATE TABLE checkpoints (
       recording_id TEXT NOT NULL,
       name TEXT NOT NULL,
       value TEXT NOT NULL,
       at INTEGER NOT NULL,
       PRIMARY KEY (recording_id, name)
     );`,
    postgres: `CREATE TABLE recordings (
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
       UNIQUE (source, path, size, mtime_ms)
     );
     CREATE INDEX recordings_by_id ON recordings (id);
     CREATE INDEX recordings_by_state ON recordings (state, discovered_at);
     CREATE INDEX recordings_by_owner ON recordings (owner) WHERE owner IS NOT NULL;
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
     );`,
  },
  {
    // failures caused only by transient errors are retried by a slow sweep
    name: 'retry sweep',
    sqlite: `ALTER TABLE recordings ADD COLUMN retry_at INTEGER;
     ALTER TABLE recordings ADD COLUMN sweeps INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX recordings_by_retry ON recordings (retry_at) WHERE retry_at IS NOT NULL;`,
    postgres: `ALTER TABLE recordings ADD COLUMN retry_at BIGINT;
     ALTER TABLE recordings ADD COLUMN sweeps INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX recordings_by_retry ON recordings (retry_at) WHERE retry_at IS NOT NULL;`,
  },
  {
    // SFTP history: the last full walk, and the old day folders that need no listing until the next one
    name: 'sftp history',
    sqlite: `CREATE TABLE source_walks (source TEXT PRIMARY KEY, record TEXT NOT NULL, updated_at INTEGER NOT NULL);
     CREATE TABLE settled_folders (source TEXT NOT NULL, folder TEXT NOT NULL, settled_at INTEGER NOT NULL, PRIMARY KEY (source, folder));`,
    postgres: `CREATE TABLE source_walks (source TEXT PRIMARY KEY, record TEXT NOT NULL, updated_at BIGINT NOT NULL);
     CREATE TABLE settled_folders (source TEXT NOT NULL, folder TEXT NOT NULL, settled_at BIGINT NOT NULL, PRIMARY KEY (source, folder));`,
  },
  {
    // the console: call metadata and the redacted transcript text of each published recording, full-text searchable
    name: 'console search index',
    sqlite: `CREATE TABLE transcript_index (
       entry INTEGER PRIMARY KEY,
       recording_id TEXT NOT NULL UNIQUE,
       call_time TEXT,
       call_ms INTEGER,
       agent TEXT,
       campaign TEXT,
       caller TEXT,
       indexed_at INTEGER NOT NULL
     );
     CREATE INDEX transcript_index_by_agent ON transcript_index (agent);
     CREATE INDEX transcript_index_by_campaign ON transcript_index (campaign);
     CREATE VIRTUAL TABLE transcript_text USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');`,
    // 'simple': lower-cased words without stemming, like the SQLite tokenizer
    postgres: `CREATE TABLE transcript_index (
       recording_id TEXT PRIMARY KEY,
       call_time TEXT,
       call_ms BIGINT,
       agent TEXT,
       campaign TEXT,
       caller TEXT,
       text TEXT NOT NULL,
       search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
       indexed_at BIGINT NOT NULL
     );
     CREATE INDEX transcript_index_by_agent ON transcript_index (agent);
     CREATE INDEX transcript_index_by_campaign ON transcript_index (campaign);
     CREATE INDEX transcript_index_search ON transcript_index USING GIN (search);`,
  },
];
