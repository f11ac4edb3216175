import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import type { FoundFile } from '../recording.ts';
import type { RemoteFile } from './remote-walk.ts';
import { SftpSession } from './sftp-session.ts';
import type { SftpSettings } from './sftp-settings.ts';
import { selectStableFiles, type FileSnapshot } from './stable-files.ts';
import type { SourceHealth } from './source-health.ts';
import type { WalkPlanner } from './walk-planner.ts';

/**
 * One listing of the remote tree per call, on a fresh connection (idle SFTP sessions get
 * dropped by servers and NAT; a new connection per cycle is the robust default). Remembers
 * the previous listing so only complete files come out; known files are dropped later by the
 * ledger lookup (path + size + mtime), so they are never downloaded or hashed again.
 */
export class SftpPoller {
  private previous?: FileSnapshot;

  constructor(
    private readonly settings: SftpSettings,
    private readonly deps: {
      metrics: Metrics;
      log: Logger;
      health: SourceHealth;
      now?: () => number;
      /** Lists old, settled day folders only in periodic full walks; absent: every poll walks everything. */
      planner?: WalkPlanner;
    },
  ) {}

  /** Lists once and returns the files judged complete. Throws when the listing failed. */
  async poll(signal?: AbortSignal): Promise<FoundFile[]> {
    const started = Date.now();
    try {
      const listed = await this.list(signal, true);
      const { ready, snapshot } = selectStableFiles(this.previous, listed, (this.deps.now ?? Date.now)(), {
        minFileAgeMs: this.settings.minFileAgeMs,
      });
      this.previous = snapshot;
      this.deps.metrics.sourcePolls.inc({ source: 'sftp', status: 'success' });
      await this.deps.health.succeeded(`${listed.length} files listed, ${ready.length} complete`);
      this.deps.log.debug({ listed: listed.length, ready: ready.length, ms: Date.now() - started }, 'sftp poll');
      return ready.map(toFoundFile);
    } catch (error) {
      this.deps.metrics.sourcePolls.inc({ source: 'sftp', status: 'failure' });
      await this.deps.health.failed(error);
      throw error;
    }
  }

  /**
   * For `run --once`: two listings `settleMs` apart, so a file still being uploaded (it grows
   * between them) is left for the next run instead of being taken half-written.
   */
  async pollTwice(settleMs: number, signal?: AbortSignal): Promise<FoundFile[]> {
    let first: RemoteFile[];
    try {
      first = await this.list(signal);
    } catch (error) {
      this.deps.metrics.sourcePolls.inc({ source: 'sftp', status: 'failure' });
      await this.deps.health.failed(error);
      throw error;
    }
    this.previous = new Map(first.map((f) => [f.path, { size: f.size, mtimeMs: f.mtimeMs }]));
    await sleep(settleMs, undefined, { signal });
    return this.poll(signal);
  }

  /** Names already reported; bounded, so a server listing endless new bad names cannot grow it. */
  private readonly reported = new Set<string>();

  /** A refused name is reported once per process (every poll lists it again), then left alone. */
  private refused(folder: string, name: string, reason: string): void {
    const key = `${folder}\0${name}`;
    if (this.reported.has(key)) return;
    if (this.reported.size >= 10_000) this.reported.clear();
    this.reported.add(key);
    this.deps.metrics.filesRefused.inc({ source: 'sftp', reason: 'unsafe name' });
    this.deps.log.warn({ folder, name, reason }, 'SFTP entry refused: its name could point outside its folder; left on the server');
  }

  /** One walk of the tree; `record`: this walk's cost and settled folders go to the ledger and /metrics. */
  private async list(signal?: AbortSignal, record = false): Promise<RemoteFile[]> {
    const now = this.deps.now ?? Date.now;
    const started = now();
    const plan = await this.deps.planner?.plan(started);
    if (plan?.lastFullWalkAt !== undefined) this.deps.metrics.sftpLastFullWalk.set(Math.floor(plan.lastFullWalkAt / 1000));
    const session = await SftpSession.open(this.settings, { metrics: this.deps.metrics, signal });
    let files: RemoteFile[];
    try {
      files = await session.walk(this.settings.remoteDir, {
        onRefusedName: (folder, name, reason) => this.refused(folder, name, reason),
        ...(plan ? { skipFolder: plan.skipFolder, onFolderListed: plan.onFolderListed } : {}),
      });
    } finally {
      await session.end();
    }
    if (plan && record) {
      const stats = await plan.finish(files, now() - started);
      const { metrics } = this.deps;
      metrics.sftpPollDuration.observe({ walk: stats.full ? 'full' : 'recent' }, stats.durationMs / 1000);
      metrics.sftpFoldersListed.set(stats.foldersListed);
      metrics.sftpFilesListed.set(stats.filesListed);
      metrics.sftpFoldersSkipped.set(stats.foldersSkipped);
      if (stats.full) metrics.sftpLastFullWalk.set(Math.floor(stats.at / 1000));
      this.deps.log[stats.full ? 'info' : 'debug'](
        { walk: stats.full ? 'full' : 'recent', folders: stats.foldersListed, files: stats.filesListed, skipped: stats.foldersSkipped, ms: stats.durationMs },
        'sftp tree walked',
      );
    }
    return files;
  }
}

function toFoundFile(file: RemoteFile): FoundFile {
  return {
    source: 'sftp',
    path: file.path,
    relativePath: file.relativePath,
    fileName: file.fileName,
    size: file.size,
    mtimeMs: file.mtimeMs,
  };
}
