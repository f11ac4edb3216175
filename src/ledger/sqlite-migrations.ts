import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

/** Brings a SQLite ledger up to date; the version is kept in `PRAGMA user_version`. */
export function migrateSqlite(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`ledger schema version ${current} is newer than this program knows (${MIGRATIONS.length}); upgrade recpipe`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!.sqlite);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
