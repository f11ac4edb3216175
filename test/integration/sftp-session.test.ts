import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AbortedError, PermanentError, TransientError } from '../../src/errors.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { HostKeyMismatchError } from '../../src/sftp/host-key.ts';
import { SftpSession } from '../../src/sftp/sftp-session.ts';
import { type TestSshd, startSshd } from '../helpers/sshd.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('sshd', 'ssh-keygen', 'openssl');

const WRONG_PIN = `SHA256:${'A'.repeat(43)}`;

let sshd: TestSshd;
let local: string;

beforeAll(async () => {
  sshd = await startSshd();
  local = await mkdtemp(join(tmpdir(), 'recpipe-sftp-local-'));
});
afterAll(async () => {
  await sshd?.dispose();
  await rm(local, { recursive: true, force: true });
});

const acceptedLogins = async (server: TestSshd) => ((await readFile(server.logPath, 'utf8')).match(/Accepted \w+ for/g) ?? []).length;

tools.describe('login and host key', () => {
  it('logs in with a key and pins the host key', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const session = await SftpSession.open(sshd.settings(), { metrics });
    expect(session.hostKey).toBe(sshd.hostKeySha256);
    expect((await metrics.activeSftpConnections.get()).values[0]?.value).toBe(1);
    await session.end();
    expect(session.isOpen).toBe(false);
    expect((await metrics.activeSftpConnections.get()).values[0]?.value).toBe(0);
  });

  it('accepts the pin without the SHA256: prefix and with base64 padding', async () => {
    const bare = `${sshd.hostKeySha256.replace(/^SHA256:/, '')}=`;
    const session = await SftpSession.open(sshd.settings({ hostKeySha256: bare }));
    await session.end();
  });

  it('refuses a wrong pinned key before logging in, naming both fingerprints and the fix', async () => {
    await sshd.put('refused/x.wav', 'data');
    const before = await acceptedLogins(sshd);
    const error = await SftpSession.open(sshd.settings({ hostKeySha256: WRONG_PIN })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect(error).toBeInstanceOf(PermanentError);
    const message = (error as Error).message;
    expect(message).toContain(WRONG_PIN);
    expect(message).toContain(sshd.hostKeySha256);
    expect(message).toContain(`SFTP_HOST_KEY_SHA256=${sshd.hostKeySha256}`);
    expect(await acceptedLogins(sshd)).toBe(before);
  });

  it('refuses every key when none is pinned, unless insecure mode is on', async () => {
    const error = await SftpSession.open(sshd.settings({ hostKeySha256: undefined })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as HostKeyMismatchError).presented).toBe(sshd.hostKeySha256);
    expect((error as Error).message).toMatch(/not pinned/);

    const session = await SftpSession.open(sshd.settings({ hostKeySha256: undefined, insecureAcceptAnyHostKey: true }));
    expect(session.hostKey).toBe(sshd.hostKeySha256);
    await session.end();
  });

  it('reports a refused key login as a permanent login failure', async () => {
    const error = await SftpSession.open(sshd.settings({ username: 'nobody' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/SFTP login failed for user nobody/);
  });

  it('reports a closed port as transient', async () => {
    const error = await SftpSession.open(sshd.settings({ port: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/ECONNREFUSED|refused/);
  });
});

tools.describe('password login and RSA host keys', () => {
  it('logs in with a password (no key)', async () => {
    const server = await startSshd({ password: 'correct horse battery' });
    try {
      const settings = { ...server.settings({ password: 'correct horse battery' }), privateKeyPath: undefined };
      const session = await SftpSession.open(settings);
      expect(await session.walk()).toEqual([]);
      await session.end();
      const wrong = await SftpSession.open({ ...settings, password: 'wrong' }).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(PermanentError);
      expect((wrong as Error).message).toMatch(/login failed/);
    } finally {
      await server.dispose();
    }
  });

  it('verifies a pinned RSA host key over rsa-sha2 with OpenSSH 9', async () => {
    const server = await startSshd({ hostKeyType: 'rsa' });
    try {
      const session = await SftpSession.open(server.settings());
      expect(session.hostKey).toBe(server.hostKeySha256);
      await session.end();
      expect(await readFile(server.logPath, 'utf8')).toMatch(/Accepted publickey/);
      const error = await SftpSession.open(server.settings({ hostKeySha256: sshd.hostKeySha256 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HostKeyMismatchError);
    } finally {
      await server.dispose();
    }
  });
});

tools.describe('walk', () => {
  it('lists a Five9-like tree recursively, skipping dot, temp, non-regular and archive entries', async () => {
    const base = 'five9';
    const wanted = [
      'Sales Team/11_27_2026/+15551234567 Sales Team by jane@acme.com @ 9_05_12 AM.wav',
      'Sales Team/11_27_2026/+15557654321 Sales Team by joe@acme.com @ 11_59_59 PM.wav',
      'Sales Team/1_6_2026/+15550000001 Sales Team by jane@acme.com @ 1_00_00 PM.wav',
      'Support/12_12_2025/5551230000_Support_ivr_4_30_01 PM.wav',
      'Support/12_12_2025/nested/deeper/leg2.wav',
    ];
    for (const name of wanted) await sshd.put(`${base}/${name}`, `audio of ${name}`);
    for (const name of [
      'Sales Team/11_27_2026/.uploading.wav',
      'Sales Team/11_27_2026/in-flight.wav.part',
      'Sales Team/11_27_2026/winscp.wav.filepart',
      'Sales Team/11_27_2026/rclone.wav.ABC123.partial',
      'Support/12_12_2025/x.wav.tmp',
      '.hidden-folder/secret.wav',
      'archive/Sales Team/11_27_2026/done.wav',
    ]) {
      await sshd.put(`${base}/${name}`, 'skip me');
    }
    await symlink(join(sshd.root, base, wanted[0] ?? ''), join(sshd.root, base, 'Support', 'link.wav'));

    const root = posix.join(sshd.root, base);
    const session = await SftpSession.open(sshd.settings({ archiveDir: posix.join(root, 'archive') }));
    try {
      const files = await session.walk(root);
      expect(files.map((f) => f.relativePath)).toEqual([...wanted].sort());
      const first = files.find((f) => f.fileName.includes('9_05_12 AM'));
      expect(first).toMatchObject({ path: posix.join(root, wanted[0] ?? ''), size: `audio of ${wanted[0]}`.length });
      expect(first?.mtimeMs ?? 0).toBeGreaterThan(Date.now() - 120_000);
      expect((first?.mtimeMs ?? 1) % 1000).toBe(0);
    } finally {
      await session.end();
    }
  });

  it('fails permanently with a clear message when the folder does not exist', async () => {
    const session = await SftpSession.open(sshd.settings());
    try {
      const error = await session.walk(posix.join(sshd.root, 'no-such-folder')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toMatch(/does not exist.*SFTP_REMOTE_DIR/);
    } finally {
      await session.end();
    }
  });
});

tools.describe('download, move, delete', () => {
  it('downloads through a temp file and verifies the size', async () => {
    const remote = await sshd.put('dl/ok.wav', Buffer.alloc(100_000, 7));
    const session = await SftpSession.open(sshd.settings());
    try {
      const target = join(local, 'ok', 'ok.wav');
      expect(await session.download(remote, target, 100_000)).toEqual({ bytes: 100_000, method: 'stream' });
      expect((await readFile(target)).equals(Buffer.alloc(100_000, 7))).toBe(true);
      expect(existsSync(`${target}.part`)).toBe(false);
    } finally {
      await session.end();
    }
  });

  it('rejects a size mismatch as transient and leaves no file behind', async () => {
    const remote = await sshd.put('dl/short.wav', 'twelve bytes');
    const session = await SftpSession.open(sshd.settings());
    try {
      const target = join(local, 'short', 'short.wav');
      const error = await session.download(remote, target, 13).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(/got 12 bytes, the listing said 13/);
      expect(await readdir(join(local, 'short'))).toEqual([]);
    } finally {
      await session.end();
    }
  });

  it('reports a missing remote file as permanent and leaves no temp file', async () => {
    const session = await SftpSession.open(sshd.settings());
    try {
      const target = join(local, 'missing', 'gone.wav');
      const error = await session.download(posix.join(sshd.root, 'dl/gone.wav'), target, 5).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentError);
      expect(await readdir(join(local, 'missing'))).toEqual([]);
    } finally {
      await session.end();
    }
  });

  it('moves into an archive folder keeping the relative path, idempotently, and deletes', async () => {
    const remote = await sshd.put('moves/Sales/11_27_2026/call.wav', 'call');
    const archived = posix.join(sshd.root, 'archive-out', 'Sales/11_27_2026/call.wav');
    const doomed = await sshd.put('moves/Sales/11_27_2026/doomed.wav', 'bye');
    const session = await SftpSession.open(sshd.settings());
    try {
      await session.move(remote, archived);
      expect(existsSync(remote)).toBe(false);
      expect(await readFile(archived, 'utf8')).toBe('call');
      await session.move(remote, archived); // a retry after a crash before the checkpoint
      await session.delete(doomed);
      expect(existsSync(doomed)).toBe(false);
      await session.delete(doomed);
      const error = await session.move(posix.join(sshd.root, 'moves/nope.wav'), posix.join(sshd.root, 'archive-out/nope.wav')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentError);
    } finally {
      await session.end();
    }
  });
});

tools.describe('hung and vanished servers', () => {
  it('times out a call on a frozen server, and end() still returns', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const session = await SftpSession.open(sshd.settings({ timeoutMs: 1000 }), { metrics });
    sshd.freeze();
    try {
      const started = Date.now();
      const error = await session.walk().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(/timed out after 1000 ms/);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(session.isOpen).toBe(false);
      await expect(session.list(sshd.root)).rejects.toBeInstanceOf(TransientError);
      await session.end();
      expect((await metrics.activeSftpConnections.get()).values[0]?.value).toBe(0);
      const connect = await SftpSession.open(sshd.settings({ timeoutMs: 1000 })).catch((e: unknown) => e);
      expect(connect).toBeInstanceOf(TransientError);

      const abortedAt = Date.now();
      const aborted = await SftpSession.open(sshd.settings({ timeoutMs: 10_000 }), { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
      expect(aborted).toBeInstanceOf(AbortedError);
      expect(Date.now() - abortedAt).toBeLessThan(3000);
    } finally {
      sshd.thaw();
    }
  });
});
