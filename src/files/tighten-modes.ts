import { chmod, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './atomic-write.ts';

/**
 * Takes group and other permissions off every folder and file under `root` (and `root` itself):
 * a DATA_DIR written by an older version, or by hand, held transcripts and audio readable by every
 * local user. Symlinks are neither followed nor changed (what they point to is not ours).
 * Returns the paths changed, for the log.
 */
export async function tightenModes(root: string): Promise<string[]> {
  const changed: string[] = [];
  const visit = async (entry: string): Promise<void> => {
    const info = await lstat(entry).catch(() => undefined);
    if (!info || info.isSymbolicLink()) return;
    if ((info.mode & 0o077) !== 0) {
      await chmod(entry, info.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
      changed.push(entry);
    }
    if (!info.isDirectory()) return;
    for (const name of await readdir(entry).catch(() => [])) await visit(path.join(entry, name));
  };
  await visit(root);
  return changed;
}
