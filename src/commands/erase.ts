import { appendFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { Config } from '../config.ts';
import { messageOf } from '../errors.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { parseCheckpoint } from '../publish/notion/publish-checkpoint.ts';
import { trashRecordingPages } from '../publish/notion/page-trash.ts';
import { findCallerRecordings, normalizeCallerNumber, waitingCallerFiles } from '../retention/caller-recordings.ts';

/**
 * `recpipe erase --caller NUMBER`: a privacy request. Each of the caller's recordings loses its
 * Notion pages (moved to Notion's trash through the API), transcripts, audio and ledger content;
 * the ledger keeps the audio hash so the same audio is not processed again. A recording whose
 * pages could not be trashed keeps everything local, so running the command again finishes it.
 * One audit line goes to `DATA_DIR/audit.log` (JSON lines) and stdout, never with the number.
 */
export async function eraseCommand(ledger: Ledger, config: Config, options: { caller?: string }): Promise<number> {
  const digits = normalizeCallerNumber(options.caller ?? '');
  if (digits.length < 7) {
    console.error('recpipe erase: --caller NUMBER is required (the caller\'s phone number, at least 7 digits; any punctuation)');
    return 2;
  }
  const recordings = await findCallerRecordings(digits, config);
  const byId = new Map([...recordings.values()].map((r) => [r.id, { ...r, pageIds: [] as string[] }]));
  for (const row of await ledger.find([...byId.keys()])) {
    const recording = byId.get(row.id!)!;
    if (row.localPath) recording.audioFiles.push(row.localPath, `${row.localPath}.error.json`);
    const checkpoints = await ledger.checkpoints(row.id!);
    for (const [name, value] of checkpoints) {
      if (name.startsWith('archive:')) recording.audioFiles.push(value);
      if (name === 'publish:notion') {
        const saved = parseCheckpoint(value.replace(/^partial:/, ''));
        if (saved && 'pageId' in saved) recording.pageIds.push(saved.pageId);
      }
    }
  }

  let trashed = new Map<string, string[]>();
  let notionError: string | undefined;
  if (config.notion && byId.size > 0) {
    try {
      trashed = await trashRecordingPages(config.notion, [...byId.values()].map((r) => ({ id: r.id, knownPageIds: r.pageIds })));
    } catch (error) {
      notionError = messageOf(error);
    }
  }

  const counts = { recordings: 0, transcriptFiles: 0, audioFiles: 0, notionPages: 0, ledgerRows: 0 };
  const erasedIds: string[] = [];
  for (const recording of byId.values()) {
    if (config.notion && !trashed.has(recording.id)) continue; // kept whole for the next run
    counts.notionPages += trashed.get(recording.id)?.length ?? 0;
    counts.transcriptFiles += await removeAll(recording.transcriptFiles, config.paths.transcriptsDir);
    counts.audioFiles += await removeAll(recording.audioFiles, config.paths.dataDir);
    // what a crash may have left of its normalized audio and chunks
    await rm(path.join(config.paths.workDir, recording.id), { recursive: true, force: true });
    counts.ledgerRows += await ledger.erase(recording.id);
    counts.recordings++;
    erasedIds.push(recording.id);
  }
  let compactError: string | undefined;
  if (counts.ledgerRows > 0) {
    try {
      await ledger.compact?.();
    } catch (error) {
      compactError = messageOf(error);
    }
  }
  const pending = byId.size - counts.recordings;
  const audit = {
    at: new Date().toISOString(),
    action: 'erase',
    by: process.env.SUDO_USER ?? userInfo().username,
    // never the number itself: its last two digits identify the request to whoever holds it
    caller: `…${digits.slice(-2)}`,
    ...counts,
    recordingIds: erasedIds,
    ...(pending > 0 ? { notErased: pending, reason: notionError } : {}),
    ...(compactError ? { ledgerNotCompacted: compactError } : {}),
  };
  await appendFile(path.join(config.paths.dataDir, 'audit.log'), `${JSON.stringify(audit)}\n`, { mode: 0o600 });
  console.log(
    `erased caller …${digits.slice(-2)}: ${counts.recordings} recording(s), ${counts.transcriptFiles} transcript file(s), ` +
      `${counts.audioFiles} audio file(s), ${counts.notionPages} Notion page(s) moved to trash, ${counts.ledgerRows} ledger row(s) blanked`,
  );
  const waiting = await waitingCallerFiles(digits, config);
  if (waiting > 0) {
    console.error(`recpipe erase: ${waiting} file(s) of this caller are still waiting in the inbox; run erase again once they are processed`);
  }
  if (compactError) {
    console.error(`recpipe erase: the ledger file could not be rewritten (${compactError}); pieces of the erased file names may remain in its free space until \`sqlite3 ${config.paths.sqlitePath} VACUUM\` runs with the service stopped`);
  }
  if (pending > 0) {
    console.error(`recpipe erase: ${pending} recording(s) not erased: Notion failed (${notionError ?? 'unknown'}); nothing of them was deleted, run the command again`);
    return 1;
  }
  return compactError ? 1 : 0;
}

/** Deletes the files that exist (inside DATA_DIR only); returns how many there were. */
async function removeAll(files: string[], root: string): Promise<number> {
  let removed = 0;
  for (const file of new Set(files)) {
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    try {
      await rm(file);
      removed++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}
