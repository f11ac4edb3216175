import { posix } from 'node:path';
import { PermanentError } from '../errors.ts';

/** A regular file found on the SFTP server. */
export interface RemoteFile {
  /** Full remote path, as the server names it. */
  path: string;
  /** Path below the scanned folder, `/`-separated (e.g. `Sales/11_27_2026/x.wav`). */
  relativePath: string;
  fileName: string;
  size: number;
  /** Server mtime in ms; SFTP v3 carries whole seconds. */
  mtimeMs: number;
}

/** One entry of a folder listing, as ssh2-sftp-client's `list()` returns it. */
export interface ListedEntry {
  /** `d` folder, `-` regular file, `l` symlink, anything else: other. */
  type: string;
  name: string;
  size: number;
  modifyTime: number;
}

export interface WalkOptions {
  /** Folders never entered (the archive folder when it lies inside the scanned one). */
  exclude?: readonly string[];
  /** Folders listed at once; each listing is one round trip. Default 4. */
  concurrency?: number;
  /** A subfolder that vanished or is unreadable is skipped rather than failing the whole walk. */
  onSkippedFolder?: (path: string, error: unknown) => void;
  /**
   * An entry whose name could leave its folder (see unsafeNameReason) was left on the server,
   * neither listed nor entered. Called on every walk; the caller reports each name once.
   */
  onRefusedName?: (folder: string, name: string, reason: string) => void;
  /**
   * Subfolders (path relative to the root, `/`-separated) not to enter this time: old Five9 day
   * folders already settled are listed only by the periodic full walk.
   */
  skipFolder?: (relativePath: string) => boolean;
  /** Each folder listed (relative path, `''` for the root) with its entry count: the cost of a walk. */
  onFolderListed?: (relativePath: string, entries: number) => void;
}

/**
 * Why a listed name is refused, or undefined when it is a plain name. A server (hostile or
 * broken) can list a name with `/` or `..` in it; joined to a folder it would point somewhere
 * else, remotely and in `work/`, `processed/` or `failed/` locally. NUL ends a C path. A `..`
 * inside a name (`a..b.wav`) is harmless and allowed. `\` is allowed: on the POSIX servers and
 * Linux hosts this runs on it is an ordinary character.
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name === '') return 'an empty name';
  if (name.includes('/')) return 'a "/" in the name';
  if (name.includes('\0')) return 'a NUL byte in the name';
  return undefined;
}

// Upload tools write here first and rename when done (WinSCP .filepart, rclone .partial, …).
const TEMP_SUFFIXES = ['.part', '.tmp', '.filepart', '.partial'];

/** Dot names (`.name` uploads, `.ssh`) and temp-upload suffixes are never recordings. */
export function isIgnoredName(name: string): boolean {
  if (name.startsWith('.')) return true;
  const lower = name.toLowerCase();
  return TEMP_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/**
 * Lists `root` recursively through `list` and returns its regular files, skipping dot and
 * temp names and symlinks (which could loop). A failure on `root` itself throws; a subfolder
 * that fails permanently is reported through `onSkippedFolder`, since one odd folder should
 * not stop every poll. Transient failures always throw: the listing would be incomplete.
 */
export async function walkRemoteTree(
  root: string,
  list: (folder: string) => Promise<ListedEntry[]>,
  options: WalkOptions = {},
): Promise<RemoteFile[]> {
  const excluded = new Set((options.exclude ?? []).map((folder) => posix.normalize(folder).replace(/\/+$/, '') || '/'));
  const files: RemoteFile[] = [];
  const pending: string[] = [''];
  let failure: unknown;
  let active = 0;

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (failure !== undefined || (pending.length === 0 && active === 0)) {
        if (active === 0) resolve();
        return;
      }
      while (failure === undefined && pending.length > 0 && active < (options.concurrency ?? 4)) {
        const relative = pending.shift() ?? '';
        active += 1;
        visit(relative)
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => {
            active -= 1;
            pump();
          });
      }
    };

    const visit = async (relative: string): Promise<void> => {
      const folder = relative === '' ? root : posix.join(root, relative);
      let entries: ListedEntry[];
      try {
        entries = await list(folder);
      } catch (error) {
        if (relative === '' || !(error instanceof PermanentError)) throw error;
        options.onSkippedFolder?.(folder, error);
        return;
      }
      options.onFolderListed?.(relative, entries.length);
      for (const entry of entries) {
        if (entry.name === '.' || entry.name === '..') continue;
        const unsafe = unsafeNameReason(entry.name);
        if (unsafe !== undefined) {
          options.onRefusedName?.(folder, entry.name, unsafe);
          continue;
        }
        if (isIgnoredName(entry.name)) continue;
        const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
        const childPath = posix.join(root, childRelative);
        if (entry.type === 'd') {
          if (!excluded.has(childPath) && !options.skipFolder?.(childRelative)) pending.push(childRelative);
        } else if (entry.type === '-') {
          files.push({ path: childPath, relativePath: childRelative, fileName: entry.name, size: entry.size, mtimeMs: entry.modifyTime });
        }
      }
    };

    pump();
  });

  if (failure !== undefined) throw failure;
  // Stable order makes polls and logs comparable; listing order is whatever the server returns.
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
