import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { planRetention, retentionEnabled, type RetentionItem, type RetentionPolicy } from './retention-plan.ts';
import { scanRetention, type RetentionFolders } from './retention-scan.ts';

/** What one retention pass did (or, dry, would do). */
export interface RetentionResult {
  items: RetentionItem[];
  files: number;
  bytes: number;
}

/**
 * One retention pass: scan, plan, delete (unless `dryRun`), then drop the `processed/` day folders
 * left empty. The ledger is not touched: its rows keep each recording's audio hash, so the same
 * audio arriving again is recognised as a duplicate, not new work.
 */
export async function runRetention(folders: RetentionFolders, policy: RetentionPolicy, options: { nowMs?: number; dryRun?: boolean } = {}): Promise<RetentionResult> {
  if (!retentionEnabled(policy)) return { items: [], files: 0, bytes: 0 };
  const items = planRetention(await scanRetention(folders), options.nowMs ?? Date.now(), policy);
  const result: RetentionResult = { items, files: items.reduce((n, i) => n + i.paths.length, 0), bytes: items.reduce((n, i) => n + i.bytes, 0) };
  if (options.dryRun) return result;
  for (const item of items) for (const file of item.paths) await rm(file, { force: true });
  await removeEmptyFolders(folders.processedDir);
  await removeEmptyFolders(folders.failedDir);
  return result;
}

/**
 * Runs retention at start and then once a day, logging what it deleted; never throws (a failed
 * pass is logged and the next one tries again). `stop()` ends the schedule.
 */
export function scheduleRetention(folders: RetentionFolders, policy: RetentionPolicy, log: Logger, everyMs = 86_400_000): { stop(): void; firstPass: Promise<void> } {
  const pass = async () => {
    try {
      const result = await runRetention(folders, policy);
      if (result.files > 0) {
        const audio = result.items.filter((i) => i.kind === 'audio').length;
        log.info({ audio, transcripts: result.items.length - audio, files: result.files, bytes: result.bytes }, 'retention: deleted what is older than RETENTION_DAYS / TRANSCRIPT_RETENTION_DAYS');
      }
    } catch (error) {
      log.error({ err: error }, 'retention pass failed; the next one tries again');
    }
  };
  if (!retentionEnabled(policy)) return { stop: () => undefined, firstPass: Promise.resolve() };
  const firstPass = pass();
  const timer = setInterval(() => void pass(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer), firstPass };
}

async function removeEmptyFolders(root: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    await removeEmptyFolders(dir);
    // fails (ENOTEMPTY) when anything is left, which is what we want
    await rmdir(dir).catch(() => undefined);
  }
}
