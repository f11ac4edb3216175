import type Database from 'better-sqlite3';

/**
 * Schema versions, applied in order and tracked in `PRAGMA user_version`.
 * Append new entries; never edit one that has shipped.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE recordings (
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
  // failures caused only by transient errors are retried by a slow sweep
  `ALTER TABLE recordings ADD COLUMN retry_at INTEGER;
   ALTER TABLE recordings ADD COLUMN sweeps INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX recordings_by_retry ON recordings (retry_at) WHERE retry_at IS NOT NULL;`,
  // SFTP history: the last full walk, and the old day folders that need no listing until the next one
  `CREATE TABLE source_walks (
     source TEXT PRIMARY KEY,
     record TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE settled_folders (
     source TEXT NOT NULL,
     folder TEXT NOT NULL,
     settled_at INTEGER NOT NULL,
     PRIMARY KEY (source, folder)
   );`,
  // the console: call metadata and the redacted transcript text of each published recording, full-text searchable
  `CREATE TABLE transcript_index (
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
];

export function migrateSqlite(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`ledger schema version ${current} is newer than this program knows (${MIGRATIONS.length}); upgrade recpipe`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
