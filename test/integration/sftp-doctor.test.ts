import { posix } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkSftp } from '../../src/sftp/sftp-doctor.ts';
import { type TestSshd, startSshd } from '../helpers/sshd.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('sshd', 'ssh-keygen', 'openssl');

let sshd: TestSshd;

beforeAll(async () => {
  sshd = await startSshd({ password: 'doctor-secret' });
  await sshd.put('Sales/11_27_2026/a.wav', 'a');
  await sshd.put('Support/1_6_2026/b.wav', 'b');
});
afterAll(() => sshd?.dispose());

tools.describe('checkSftp', () => {
  it('passes with the right key, pin and folder, one line per check', async () => {
    const result = await checkSftp(sshd.settings());
    expect(result.ok).toBe(true);
    expect(result.lines).toEqual([
      `sftp host key: ok ${sshd.hostKeySha256}`,
      `sftp login: ok ${sshd.username}@127.0.0.1:${sshd.port}`,
      `sftp folder: ok ${sshd.root} readable, 2 entries`,
    ]);
  });

  it('on a host key mismatch prints the fingerprint to pin and does not log in', async () => {
    const result = await checkSftp(sshd.settings({ hostKeySha256: `SHA256:${'C'.repeat(43)}` }));
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toContain(`SFTP_HOST_KEY_SHA256=${sshd.hostKeySha256}`);
    expect(result.lines.join('\n')).toMatch(/expected SHA256:C+, server presented/);
    expect(result.lines.join('\n')).toMatch(/login: not attempted/);
  });

  it('without a pin prints the presented fingerprint to pin', async () => {
    const result = await checkSftp(sshd.settings({ hostKeySha256: undefined }));
    expect(result.ok).toBe(false);
    expect(result.lines[0]).toMatch(/no key pinned/);
    expect(result.lines.join('\n')).toContain(`SFTP_HOST_KEY_SHA256=${sshd.hostKeySha256}`);
  });

  it('in insecure mode passes with a warning and the fingerprint to pin', async () => {
    const result = await checkSftp(sshd.settings({ hostKeySha256: undefined, insecureAcceptAnyHostKey: true }));
    expect(result.ok).toBe(true);
    expect(result.lines[0]).toMatch(/WARNING not verified/);
    expect(result.lines[1]).toContain(`SFTP_HOST_KEY_SHA256=${sshd.hostKeySha256}`);
  });

  it('reports a wrong password with a fix', async () => {
    const result = await checkSftp({ ...sshd.settings({ password: 'nope' }), privateKeyPath: undefined });
    expect(result.ok).toBe(false);
    expect(result.lines[0]).toMatch(/sftp login: FAILED .*login failed for user/);
    expect(result.lines[1]).toMatch(/fix: check SFTP_USERNAME and SFTP_PASSWORD/);
  });

  it('logs in with the password and reports a missing folder with a fix', async () => {
    const settings = { ...sshd.settings({ password: 'doctor-secret' }), privateKeyPath: undefined };
    const result = await checkSftp({ ...settings, remoteDir: posix.join(sshd.root, 'nope') });
    expect(result.ok).toBe(false);
    expect(result.lines[1]).toMatch(/sftp login: ok/);
    expect(result.lines[2]).toMatch(/sftp folder: FAILED .*no such file/);
    expect(result.lines[3]).toMatch(/fix: set SFTP_REMOTE_DIR/);
  });

  it('reports a closed port with a fix', async () => {
    const result = await checkSftp(sshd.settings({ port: 1 }));
    expect(result.ok).toBe(false);
    expect(result.lines[1]).toMatch(/fix: check SFTP_HOST and SFTP_PORT/);
  });
});
