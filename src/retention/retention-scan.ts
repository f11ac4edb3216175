import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RetentionItem } from './retention-plan.ts';

/** The folders retention looks at (from `Config.paths`). */
export interface RetentionFolders {
  dataDir: string;
  processedDir: string;
  failedDir: string;
  transcriptsDir: string;
}

const DAY_FOLDER = /^(\d{4}-\d{2}-\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Lists what retention could delete, each with the time it was kept. Audio in `processed/` dates
 * from its day folder (the UTC day it was processed; a file's own mtime is the recording's, kept
 * by the move, so a month-old backlog would otherwise be deleted the moment it is done); audio in
 * `failed/` from its `.error.json`; a transcript from when it was written. Symbolic links are
 * never followed nor deleted.
 */
export async function scanRetention(folders: RetentionFolders): Promise<RetentionItem[]> {
  const items: RetentionItem[] = [];
  const label = (file: string) => path.relative(folders.dataDir, file);

  for (const file of await regularFiles(folders.processedDir)) {
    const day = DAY_FOLDER.exec(path.basename(path.dirname(file.path)))?.[1];
    const dayEnd = day === undefined ? Number.NaN : Date.parse(`${day}T00:00:00Z`) + DAY_MS;
    items.push({ kind: 'audio', paths: [file.path], label: label(file.path), bytes: file.size, keptAt: Number.isFinite(dayEnd) ? dayEnd : file.mtimeMs });
  }

  const failed = await regularFiles(folders.failedDir);
  const byPath = new Map(failed.map((f) => [f.path, f]));
  for (const file of failed) {
    if (file.path.endsWith('.error.json') && byPath.has(file.path.slice(0, -'.error.json'.length))) continue; // goes with its audio
    const errorFile = file.path.endsWith('.error.json') ? file : byPath.get(`${file.path}.error.json`);
    const at = errorFile === undefined ? undefined : await failedAt(errorFile.path);
    const paths = errorFile === undefined || errorFile === file ? [file.path] : [file.path, errorFile.path];
    items.push({ kind: 'audio', paths, label: label(file.path), bytes: file.size + (errorFile && errorFile !== file ? errorFile.size : 0), keptAt: at ?? file.mtimeMs });
  }

  const transcripts = await regularFiles(folders.transcriptsDir, false);
  const byId = new Map<string, typeof transcripts>();
  for (const file of transcripts) {
    const id = /^(.+)\.(json|md)$/.exec(path.basename(file.path))?.[1];
    if (id === undefined) continue;
    byId.set(id, [...(byId.get(id) ?? []), file]);
  }
  for (const files of byId.values()) {
    const json = files.find((f) => f.path.endsWith('.json')) ?? files[0]!;
    items.push({
      kind: 'transcript',
      paths: files.map((f) => f.path),
      label: label(json.path.replace(/\.(json|md)$/, '.*')),
      bytes: files.reduce((sum, f) => sum + f.size, 0),
      keptAt: json.mtimeMs,
    });
  }
  return items;
}

async function failedAt(errorFile: string): Promise<number | undefined> {
  try {
    const { at } = JSON.parse(await readFile(errorFile, 'utf8')) as { at?: unknown };
    const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : Number.NaN;
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}

async function regularFiles(dir: string, recursive = true): Promise<Array<{ path: string; size: number; mtimeMs: number }>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: Array<{ path: string; size: number; mtimeMs: number }> = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && recursive) files.push(...(await regularFiles(full)));
    else if (entry.isFile()) {
      const stats = await lstat(full);
      files.push({ path: full, size: stats.size, mtimeMs: stats.mtimeMs });
    }
  }
  return files;
}
