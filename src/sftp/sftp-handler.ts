import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathInside } from '../files/path-inside.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { SourceHandler } from '../pipeline/source-handler.ts';
import type { ClaimedFile } from '../recording.ts';
import { Semaphore } from './semaphore.ts';
import { SftpSession } from './sftp-session.ts';
import type { SftpSettings } from './sftp-settings.ts';

/**
 * Downloads claimed SFTP files into `work/downloads/` (temp file, size verified, renamed) on a
 * connection of their own, at most `maxDownloads` at once; after publish + archive it completes
 * the remote file: leave, move to the archive folder (same relative path) or delete.
 */
export class SftpHandler implements SourceHandler {
  readonly kind = 'sftp' as const;
  private readonly downloads: Semaphore;

  constructor(
    private readonly settings: SftpSettings,
    private readonly deps: { workDir: string; maxDownloads: number; metrics: Metrics },
  ) {
    this.downloads = new Semaphore(deps.maxDownloads);
  }

  async fetch(file: ClaimedFile, knownLocalPath: string | undefined, signal: AbortSignal): Promise<string> {
    // an earlier attempt's copy (work/, failed/ or processed/) is reused when whole
    if (knownLocalPath && (await sizeOf(knownLocalPath)) === file.size) return knownLocalPath;
    // the walker refuses names with "/"; this holds even for a ledger row from before that check
    const target = pathInside(path.join(this.deps.workDir, 'downloads'), `${file.seq}-${file.fileName}`);
    if ((await sizeOf(target)) === file.size) return target;
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    return this.downloads.run(async () => {
      const session = await SftpSession.open(this.settings, { metrics: this.deps.metrics, signal });
      try {
        await session.download(file.path, target, file.size, { signal });
        this.deps.metrics.sftpDownloads.inc();
        this.deps.metrics.sftpDownloadedBytes.inc(file.size);
        return target;
      } finally {
        await session.end();
      }
    }, signal);
  }

  async complete(file: ClaimedFile, signal: AbortSignal): Promise<string> {
    const action = this.settings.afterSuccess;
    if (action === 'leave') return 'left on the server';
    const session = await SftpSession.open(this.settings, { metrics: this.deps.metrics, signal });
    try {
      if (action === 'delete') {
        await session.delete(file.path);
        return `deleted ${file.path}`;
      }
      const target = path.posix.join(this.settings.archiveDir!, file.relativePath);
      await session.move(file.path, target);
      return `moved to ${target}`;
    } finally {
      await session.end();
    }
  }
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}
