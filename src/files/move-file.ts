import { chmod, copyFile, mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { pathInside } from './path-inside.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './atomic-write.ts';

/**
 * Moves a file, creating the target folder. Across file systems (EXDEV: a Docker volume, another
 * disk) it copies, keeps the mtime (the ledger keys files by size + mtime) and then removes the source.
 * The moved file is made 0600: a recording dropped into the inbox 0644 must not stay readable by all.
 */
export async function moveFile(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const { atime, mtime } = await stat(from);
    await copyFile(from, to);
    await utimes(to, atime, mtime);
    await rm(from);
  }
  await chmod(to, PRIVATE_FILE_MODE);
}

/**
 * A free name in `folder` for `fileName`: itself, or with ` (<tag>)` before the extension.
 * Throws PermanentError when the name would leave `folder` (a `/` or `..` from a source).
 */
export async function freeName(folder: string, fileName: string, tag: string): Promise<string> {
  const first = pathInside(folder, fileName);
  if (!(await exists(first))) return first;
  const ext = path.extname(fileName);
  return pathInside(folder, `${fileName.slice(0, fileName.length - ext.length)} (${tag})${ext}`);
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
