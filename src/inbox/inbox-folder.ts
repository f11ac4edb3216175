import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FoundFile } from '../recording.ts';

/** Extensions taken from the inbox; anything else (notes, spreadsheets) is left alone. */
const AUDIO_EXTENSIONS = new Set([
  '.wav', '.mp3', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.mp4', '.webm', '.aac', '.gsm', '.au', '.aiff', '.amr', '.mpga', '.mpeg', '.wma',
]);
/** Names upload tools give files while they are still being written. */
const TEMP_SUFFIXES = ['.part', '.tmp', '.filepart', '.partial', '.crdownload', '.download'];

/** True for a path the inbox should consider: no dot segment, no temp upload, an audio extension. */
export function isInboxCandidate(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..')) return false;
  if (relative.split(path.sep).some((part) => part.startsWith('.'))) return false;
  const lower = file.toLowerCase();
  if (TEMP_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return false;
  return AUDIO_EXTENSIONS.has(path.extname(lower));
}

/** Stats one inbox file; undefined when it is gone or not a regular file. */
export async function statInboxFile(root: string, file: string): Promise<FoundFile | undefined> {
  try {
    const info = await lstat(file);
    if (!info.isFile()) return undefined;
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

/** Lists every candidate file below `root` (recursively); a missing root lists nothing. */
export async function listInbox(root: string): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // vanished or unreadable: the next scan tries again
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && isInboxCandidate(root, full)) {
        const file = await statInboxFile(root, full);
        if (file) found.push(file);
      }
    }
  };
  await walk(root);
  return found;
}

/** True when the file still has the size and mtime it had when found (it stopped growing). */
export async function isUnchanged(file: FoundFile): Promise<boolean> {
  try {
    const info = await stat(file.path);
    return info.size === file.size && Math.trunc(info.mtimeMs) === file.mtimeMs;
  } catch {
    return false;
  }
}
