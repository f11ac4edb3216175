import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecpipe } from '../helpers/recpipe-process.ts';
import { type TestSshd, startSshd } from '../helpers/sshd.ts';

describe('recpipe doctor on first contact with the SFTP server (real sshd)', () => {
  let sshd: TestSshd;
  let cwd: string;
  beforeAll(async () => {
    sshd = await startSshd();
    cwd = await mkdtemp(path.join(tmpdir(), 'recpipe-doctor-pin-'));
  });
  afterAll(async () => {
    await sshd?.dispose();
    await rm(cwd, { recursive: true, force: true });
  });

  const env = () => ({
    OPENAI_API_KEY: 'sk-x',
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    DATA_DIR: path.join(cwd, 'data'),
    SFTP_HOST: '127.0.0.1',
    SFTP_PORT: String(sshd.port),
    SFTP_USERNAME: sshd.username,
    SFTP_PRIVATE_KEY_PATH: sshd.privateKeyPath,
    SFTP_REMOTE_DIR: sshd.root,
  });

  it('with no pin it connects, prints the exact line to pin, and logs in to nothing', async () => {
    const result = await runRecpipe(['doctor'], env(), cwd);
    expect(result.stderr).not.toMatch(/bad configuration/);
    expect(result.stdout).toMatch(/FAIL +sftp +host key: FAILED no key pinned, server presented SHA256:/);
    expect(result.stdout.split('\n')).toContain(`SFTP_HOST_KEY_SHA256=${sshd.hostKeySha256}`);
    expect(result.stdout).toMatch(/login: not attempted/);
    expect(result.code).toBe(1);
  });

  it('the printed line, pinned, makes the SFTP checks pass; start without a pin is still refused', async () => {
    const first = await runRecpipe(['doctor'], env(), cwd);
    const line = first.stdout.split('\n').find((l) => l.startsWith('SFTP_HOST_KEY_SHA256='))!;
    const pinned = await runRecpipe(['doctor'], { ...env(), SFTP_HOST_KEY_SHA256: line.split('=').slice(1).join('=') }, cwd);
    expect(pinned.stdout).toMatch(/ok +sftp +host key: ok SHA256:/);
    expect(pinned.stdout).toMatch(/ok +sftp +login: ok/);
    expect(pinned.stdout).not.toContain('pin it in .env');
    const start = await runRecpipe(['run', '--once'], env(), cwd);
    expect(start.code).toBe(2);
    expect(start.stderr).toMatch(/SFTP_HOST_KEY_SHA256: required/);
  });
});
