import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Why the inbox must not touch `file`, or undefined when it is a regular file whose real path
 * lies inside the inbox's real path. A symlink (to a file, or a folder on the way) would make
 * the service transcribe a file from elsewhere and then move it away from where it lived.
 * Checked at discovery and again right before a file is moved, since a folder can be swapped
 * for a symlink in between.
 */
export async function inboxRefusal(root: string, file: string): Promise<string | undefined> {
  let info;
  try {
    info = await lstat(file);
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (info.isSymbolicLink()) return 'it is a symbolic link (links are never followed)';
  if (!info.isFile()) return 'it is not a regular file';
  let realRoot: string;
  let realFile: string;
  try {
    [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
  } catch (error) {
    return `its real path cannot be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  const relative = path.relative(realRoot, realFile);
  if (relative === '' || relative.startsWith(`..${path.sep}`) || relative === '..' || path.isAbsolute(relative)) {
    return `its real path ${realFile} is outside the inbox ${realRoot} (a symbolic link on the way)`;
  }
  return undefined;
}
