import { statfs } from 'node:fs/promises';
import { ServiceError } from '../errors.ts';

/**
 * Throws a ServiceError (`disk`) when the file system holding `dir` has less than `minBytes`
 * available to this user: below the floor a download, a normalized track or a transcript write
 * would fail half-way (ENOSPC), so no recording should start.
 */
export async function checkDiskFloor(dir: string, minBytes: number): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (free < minBytes) {
    throw new ServiceError('disk', `${mb(free)} MB free under ${dir}, below DISK_FREE_MIN_MB=${mb(minBytes)}`, { system: 'fs' });
  }
}

function mb(bytes: number): number {
  return Math.floor(bytes / (1024 * 1024));
}
