import { chmod, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './atomic-write.ts';

/**
 * Takes group and other permissions off `root`, its direct entries, and everything below a folder
 * that was itself too open: a DATA_DIR written by an older version, or by hand, held transcripts
 * and audio readable by every local user. Below a folder that already was owner-only nothing is
 * reachable by others, so it is not walked: `processed/` grows without end and a start must not
 * stat every archived call. Symlinks are neither followed nor changed (their target is not ours).
 * Returns the paths changed, for the log.
 */
export async function tightenModes(root: string): Promise<string[]> {
  const changed: string[] = [];
  const visit = async (entry: string, walkChildren: boolean): Promise<void> => {
    const info = await lstat(entry).catch(() => undefined);
    if (!info || info.isSymbolicLink()) return;
    const wide = (info.mode & 0o077) !== 0;
    if (wide) {
      await chmod(entry, info.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
      changed.push(entry);
    }
    if (!info.isDirectory() || !(wide || walkChildren)) return;
    for (const name of await readdir(entry).catch(() => [])) await visit(path.join(entry, name), false);
  };
  await visit(root, true);
  return changed;
}
