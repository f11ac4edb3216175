import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLock, HOLDER_FILE, LOCK_FILE } from '../../src/files/data-dir-lock.ts';
import { OperatorError } from '../../src/operator-error.ts';

describe('DataDirLock', () => {
  it('a second holder is refused at once, naming the first; after release the folder is free again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'recpipe-lock-'));
    const first = DataDirLock.acquire(dir, 'recpipe start');
    const holder = JSON.parse(readFileSync(path.join(dir, HOLDER_FILE), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, command: 'recpipe start' });
    for (const file of [LOCK_FILE, HOLDER_FILE]) expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);

    const started = Date.now();
    let refusal: unknown;
    try {
      DataDirLock.acquire(dir, 'recpipe run --once');
    } catch (error) {
      refusal = error;
    }
    expect(Date.now() - started).toBeLessThan(1000);
    expect(refusal).toBeInstanceOf(OperatorError);
    expect((refusal as OperatorError).line).toBe(
      `recpipe: DATA_DIR ${dir} is in use by pid ${process.pid} (recpipe start) on ${holder.host}, started ${holder.startedAt}; stop it or use another DATA_DIR`,
    );

    first.release();
    first.release(); // twice is harmless (close() runs on every path)
    expect(existsSync(path.join(dir, HOLDER_FILE))).toBe(false);
    const second = DataDirLock.acquire(dir, 'recpipe run --once');
    second.release();
  });

  it('a lock file that is not SQLite (something else written there) is a one-line operator error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'recpipe-lock-'));
    writeFileSync(path.join(dir, LOCK_FILE), 'not a database at all, '.repeat(400));
    expect(() => DataDirLock.acquire(dir)).toThrow(OperatorError);
    expect(() => DataDirLock.acquire(dir)).toThrow(/cannot be used as the DATA_DIR lock \(file is not a database\)/);
  });
});
