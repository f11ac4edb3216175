import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FoundFile } from '../recording.ts';
import { inboxRefusal } from './inbox-guard.ts';

/** Extensions taken from the inbox; anything else (notes, spreadsheets) is left alone. */
const AUDIO_EXTENSIONS = new Set([
  '.wav', '.mp3', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.mp4', '.webm', '.aac', '.gsm', '.au', '.aiff', '.amr', '.mpga', '.mpeg', '.wma',
]);
/** Names upload tools give files while they are still being written. */
const TEMP_SUFFIXES = ['.part', '.tmp', '.filepart', '.partial', '.crdownload', '.download'];

/** Told about an inbox entry that is left alone for a reason an operator should know. */
export type OnInboxRefusal = (where: string, reason: string) => void;

/** True for a path the inbox should consider: no dot segment, no temp upload, an audio extension. */
export function isInboxCandidate(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..')) return false;
  if (relative.split(path.sep).some((part) => part.startsWith('.'))) return false;
  const lower = file.toLowerCase();
  if (TEMP_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return false;
  return AUDIO_EXTENSIONS.has(path.extname(lower));
}

/**
 * Stats one inbox file; undefined when it is gone, not a regular file, a symlink, or reached
 * through a symlinked folder (then `onRefusal` hears why).
 */
export async function statInboxFile(root: string, file: string, onRefusal?: OnInboxRefusal): Promise<FoundFile | undefined> {
  try {
    const info = await lstat(file);
    if (!info.isFile()) {
      if (info.isSymbolicLink()) onRefusal?.(file, 'it is a symbolic link (links are never followed)');
      return undefined;
    }
    const refusal = await inboxRefusal(root, file);
    if (refusal !== undefined) {
      onRefusal?.(file, refusal);
      return undefined;
    }
    return {
      source: 'inbox',
      path: path.resolve(file),
      relativePath: path.relative(root, file).split(path.sep).join('/'),
      fileName: path.basename(file),
      size: info.size,
      mtimeMs: Math.trunc(info.mtimeMs),
    };
  } catch {
    return undefined;
  }
}

/**
 * Lists every candidate file below `root` (recursively); a missing root lists nothing. Symlinks
 * (to files or folders) are never followed. Names are read as bytes: Linux allows any bytes in a
 * name, and one that is not UTF-8 would come back mangled (U+FFFD) as a path that does not
 * exist, so such entries are reported through `onRefusal` rather than silently missed.
 */
export async function listInbox(root: string, onRefusal?: OnInboxRefusal): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return; // vanished or unreadable: the next scan tries again
    }
    for (const entry of entries) {
      const raw = entry.name;
      const name = raw.toString('utf8');
      if (name.startsWith('.')) continue;
      if (!Buffer.from(name, 'utf8').equals(raw)) {
        onRefusal?.(path.join(dir, name), `its name is not valid UTF-8 (bytes ${raw.toString('hex')}); rename it to be processed`);
        continue;
      }
      const full = path.join(dir, name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isSymbolicLink()) {
        if (isInboxCandidate(root, full) || (await isFolder(full))) onRefusal?.(full, 'it is a symbolic link (links are never followed)');
      } else if (entry.isFile() && isInboxCandidate(root, full)) {
        const file = await statInboxFile(root, full, onRefusal);
        if (file) found.push(file);
      }
    }
  };
  await walk(root);
  return found;
}

async function isFolder(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch {
    return false;
  }
}

/** True when the file still has the size and mtime it had when found (it stopped growing). */
export async function isUnchanged(file: FoundFile): Promise<boolean> {
  try {
    const info = await lstat(file.path);
    return info.isFile() && info.size === file.size && Math.trunc(info.mtimeMs) === file.mtimeMs;
  } catch {
    return false;
  }
}
