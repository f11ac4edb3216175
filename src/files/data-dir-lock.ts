import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { OperatorError } from '../operator-error.ts';
import { atomicWriteSync } from './atomic-write.ts';

/** Who holds a DATA_DIR: written next to the lock so a refused processor can name it. */
export interface LockHolder {
  pid: number;
  command: string;
  host: string;
  startedAt: string;
}

/** The lock file (an SQLite database nobody writes to) and the holder record beside it. */
export const LOCK_FILE = '.recpipe.lock';
export const HOLDER_FILE = '.recpipe.lock.json';

/**
 * One processor per DATA_DIR. Two processors on one folder each "recover" the other's in-flight
 * recordings and process them twice (two OpenAI bills, two Notion pages, false failure alerts).
 *
 * The lock is an exclusive SQLite lock (`locking_mode=EXCLUSIVE` + `BEGIN EXCLUSIVE`) on a file
 * of its own, held for the process lifetime: it is a POSIX advisory lock, so the kernel drops it
 * when the process dies, even by `kill -9`, and a stale lock cannot exist. The holder record is
 * only a label for the refusal message, never the lock itself.
 */
export class DataDirLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly holderFile: string,
  ) {}

  /**
   * Takes the lock on `dataDir` (which must exist) or throws an OperatorError naming the holder.
   * Never waits: a second processor should refuse at once, not queue behind the first.
   */
  static acquire(dataDir: string, command = commandLine()): DataDirLock {
    const lockFile = path.join(dataDir, LOCK_FILE);
    const holderFile = path.join(dataDir, HOLDER_FILE);
    const db = new Database(lockFile, { timeout: 0 });
    chmodSync(lockFile, 0o600);
    try {
      // no journal file: nothing is ever written here, the lock is the whole point
      db.pragma('journal_mode = MEMORY');
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') {
        // e.g. something else was written to that name: it holds nothing of value
        throw new OperatorError(`${lockFile} cannot be used as the DATA_DIR lock (${(error as Error).message})`, 'make sure no recpipe runs on this DATA_DIR, remove the file, and start again', { cause: error });
      }
      throw new OperatorError(`DATA_DIR ${dataDir} is in use by ${describeHolder(holderFile)}`, 'stop it or use another DATA_DIR', { cause: error });
    }
    const holder: LockHolder = { pid: process.pid, command, host: hostname(), startedAt: new Date().toISOString() };
    atomicWriteSync(holderFile, `${JSON.stringify(holder)}\n`);
    return new DataDirLock(db, holderFile);
  }

  /** Releases the lock (the kernel does it too if the process dies first). Safe to call twice. */
  release(): void {
    if (!this.db.open) return;
    rmSync(this.holderFile, { force: true });
    this.db.close();
  }
}

/** The holder as the refusal names it; the record may be missing (a holder killed mid-write). */
function describeHolder(holderFile: string): string {
  try {
    const holder = JSON.parse(readFileSync(holderFile, 'utf8')) as LockHolder;
    return `pid ${holder.pid} (${holder.command}) on ${holder.host}, started ${holder.startedAt}`;
  } catch {
    return 'another recpipe process';
  }
}

/** `recpipe start`, `recpipe run --once`, or the script's name for the demo. */
function commandLine(): string {
  const script = path.basename(process.argv[1] ?? 'node');
  const name = script.startsWith('recpipe') ? 'recpipe' : script;
  return [name, ...process.argv.slice(2)].join(' ');
}
