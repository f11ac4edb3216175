import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/observability/metrics.ts';
import { SftpHandler } from '../../src/sftp/sftp-handler.ts';
import { SftpSession } from '../../src/sftp/sftp-session.ts';
import { type TestSshd, startSshd } from '../helpers/sshd.ts';

let sshd: TestSshd;
let local: string;

beforeAll(async () => {
  sshd = await startSshd();
  local = await mkdtemp(path.join(tmpdir(), 'recpipe-sftp-names-'));
});
afterAll(async () => {
  await sshd?.dispose();
  await rm(local, { recursive: true, force: true });
});

describe('names with dots on a real sshd', () => {
  it('lists and downloads "a..b.wav" into work/ as a plain name, and never follows a link to ".."', async () => {
    const folder = 'names';
    await sshd.put(`${folder}/a..b.wav`, 'RIFF-dots-inside');
    await sshd.put(`${folder}/day/x.wav`, 'RIFF-nested');
    // a server-side link pointing up and out of the scanned folder
    await symlink('..', path.join(sshd.root, folder, 'up'));
    await symlink('/etc/passwd', path.join(sshd.root, folder, 'passwd.wav'));
    const settings = sshd.settings({ remoteDir: path.posix.join(sshd.root, folder) });
    const session = await SftpSession.open(settings);
    const refused: string[] = [];
    let files;
    try {
      files = await session.walk(undefined, { onRefusedName: (_folder, name) => refused.push(name) });
    } finally {
      await session.end();
    }
    expect(files.map((f) => f.relativePath)).toEqual(['a..b.wav', 'day/x.wav']);
    // OpenSSH cannot hold "/" in a name; nothing here is refused, nothing escapes either
    expect(refused).toEqual([]);

    const workDir = path.join(local, 'work');
    const handler = new SftpHandler(settings, { workDir, maxDownloads: 1, metrics: new Metrics({ defaultMetrics: false }) });
    const dots = files.find((f) => f.fileName === 'a..b.wav')!;
    const saved = await handler.fetch({ ...dots, source: 'sftp', seq: 7, attempts: 0 }, undefined, new AbortController().signal);
    expect(saved).toBe(path.join(workDir, 'downloads', '7-a..b.wav'));
    expect((await stat(saved)).size).toBe('RIFF-dots-inside'.length);
  }, 60_000);

  it('refuses to build a download path from a name that climbs out of work/', async () => {
    const settings = sshd.settings();
    const workDir = path.join(local, 'work2');
    const handler = new SftpHandler(settings, { workDir, maxDownloads: 1, metrics: new Metrics({ defaultMetrics: false }) });
    // a ledger row written before names were checked: the download target is still refused
    const hostile = { source: 'sftp' as const, path: '/x', relativePath: 'x', fileName: '/../../../../tmp/owned.wav', size: 4, mtimeMs: 0, seq: 1, attempts: 0 };
    await expect(handler.fetch(hostile, undefined, new AbortController().signal)).rejects.toThrow(/outside/);
  });
});
