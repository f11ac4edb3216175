import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { innerError, messageOf, stageOf } from '../errors.ts';
import { atomicWrite } from '../files/atomic-write.ts';
import { inboxRefusal } from '../inbox/inbox-guard.ts';
import { exists, freeName } from '../files/move-file.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ClaimedFile } from '../recording.ts';
import { isInside } from './archive-recording.ts';
import { locateAudio, recordedMove } from './recorded-move.ts';
import type { Outcome } from './outcome.ts';
import { redactUrlCredentials } from '../observability/redact-url-credentials.ts';

export interface FailureDeps {
  ledger: Ledger;
  /** With `inboxDir`, an inbox file whose real path leaves the inbox is never moved. */
  paths: { failedDir: string; workDir: string; inboxDir?: string };
  log: Logger;
  /** Delay before a recording that failed by transient errors only is retried by the sweep; 0: never. */
  sweepAfterMs: number;
}

/**
 * Puts a recording that cannot be processed into `failed/` with `<name>.error.json` saying why,
 * and marks it failed in the ledger. The audio is kept (moved, never deleted); the source file
 * on SFTP is not touched. Never throws: a failure here is logged and the ledger still says failed.
 */
export async function routeFailure(
  file: ClaimedFile,
  error: unknown,
  attempts: number,
  deps: FailureDeps,
  options: { transient?: boolean } = {},
): Promise<Outcome> {
  const stage = stageOf(error);
  // the reason goes to the ledger, failed/*.error.json, Slack and the logs
  const reason = redactUrlCredentials(messageOf(innerError(error)));
  const row = await deps.ledger.get(file.seq).catch(() => undefined);
  const id = row?.id;
  const retryAt = options.transient && deps.sweepAfterMs > 0 ? Date.now() + deps.sweepAfterMs : undefined;
  try {
    // the ledger's path may be one a cut-short move left behind: look at both ends of it
    const local = (await locateAudio(deps.ledger, file, row?.localPath)) ?? row?.localPath;
    let failedPath = path.join(deps.paths.failedDir, file.fileName);
    if (local && isInside(deps.paths.failedDir, local)) failedPath = local;
    else if (stage === 'complete') {
      // published and archived already: the audio stays in processed/, only the source action is owed
    } else if (local && file.source === 'inbox' && deps.paths.inboxDir && local === file.path && (await inboxRefusal(deps.paths.inboxDir, local))) {
      // a symlink, or reached through one: moving it would take a file from outside the inbox
    } else if (local && (await locateAudio(deps.ledger, file, local)) === local) {
      const target = await freeName(deps.paths.failedDir, file.fileName, id ?? `#${file.seq}`);
      await recordedMove(deps.ledger, file.seq, local, target).catch(async (error: unknown) => {
        // moved, but the ledger did not follow: the recorded intent still finds it; write the report
        if (!(await exists(target))) throw error;
        deps.log.warn({ err: error, seq: file.seq, failedPath: target }, 'moved to failed/, but the ledger could not record the new path');
      });
      failedPath = target;
    }
    const report = {
      id: id ?? null,
      stage,
      error: reason,
      attempts,
      at: new Date().toISOString(),
      source: file.source,
      sourcePath: file.path,
      ...(retryAt ? { retryAt: new Date(retryAt).toISOString() } : {}),
    };
    await atomicWrite(`${failedPath}.error.json`, `${JSON.stringify(report, null, 2)}\n`);
    if (id) await rm(path.join(deps.paths.workDir, id), { recursive: true, force: true });
  } catch (routingError) {
    deps.log.error({ err: routingError, seq: file.seq, file: file.relativePath }, 'could not move the failed recording to failed/');
  }
  await deps.ledger.fail(file.seq, stage, reason, { retryAt }).catch((ledgerError: unknown) => {
    deps.log.error({ err: ledgerError, seq: file.seq, file: file.relativePath }, 'could not record the failure in the ledger');
  });
  const retryAtIso = retryAt ? new Date(retryAt).toISOString() : undefined;
  deps.log.warn({ seq: file.seq, file: file.relativePath, recordingId: id, stage, reason, attempts, retryAt: retryAtIso }, 'recording failed');
  return { kind: 'failed', file, id, stage, reason, attempts, retryAt: retryAtIso, firstFailure: (row?.sweeps ?? 0) === 0 };
}
