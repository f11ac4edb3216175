import { setTimeout as sleep } from 'node:timers/promises';
import type { FoundFile } from '../recording.ts';
import { isUnchanged, listInbox, type OnInboxRefusal } from './inbox-folder.ts';

/**
 * Lists the inbox and keeps only files that did not change during `stableMs`: one listing, one
 * wait for all, one stat each. chokidar's awaitWriteFinish skips files found at start, and a
 * rescan must not take a file that is still being copied in either.
 */
export async function scanStable(root: string, stableMs: number, signal?: AbortSignal, onRefusal?: OnInboxRefusal): Promise<FoundFile[]> {
  const listed = await listInbox(root, onRefusal);
  if (listed.length === 0) return [];
  if (stableMs > 0) await sleep(stableMs, undefined, { signal });
  const unchanged = await Promise.all(listed.map(isUnchanged));
  return listed.filter((_, i) => unchanged[i]);
}
