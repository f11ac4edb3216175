import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors.ts';
import { HostKeyMismatchError, createHostKeyCheck, hostKeyFingerprint, hostKeyType, normalizeFingerprint } from '../../src/sftp/host-key.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('ssh-keygen');

const dir = mkdtempSync(join(tmpdir(), 'recpipe-hostkey-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real key made by ssh-keygen: its blob and the fingerprint ssh-keygen prints for it. */
let made = 0;
function sshKey(type: 'ed25519' | 'rsa'): { blob: Buffer; fingerprint: string } {
  made += 1;
  const file = join(dir, `key_${made}_${type}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  const blob = Buffer.from(readFileSync(`${file}.pub`, 'utf8').split(' ')[1] ?? '', 'base64');
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return { blob, fingerprint };
}

tools.describe('hostKeyFingerprint', () => {
  it('matches ssh-keygen -lf for ed25519 and rsa keys', () => {
    for (const type of ['ed25519', 'rsa'] as const) {
      const key = sshKey(type);
      expect(hostKeyFingerprint(key.blob)).toBe(key.fingerprint);
      expect(hostKeyType(key.blob)).toBe(type === 'rsa' ? 'ssh-rsa' : 'ssh-ed25519');
    }
  });

  it('normalizes pasted forms', () => {
    expect(normalizeFingerprint('SHA256:abc=')).toBe('SHA256:abc');
    expect(normalizeFingerprint(' abc ')).toBe('SHA256:abc');
    expect(normalizeFingerprint('sha256:abc')).toBe('SHA256:abc');
  });
});

tools.describe('createHostKeyCheck', () => {
  const key = sshKey('ed25519');

  it('accepts the pinned key in any pasted form', () => {
    for (const pin of [key.fingerprint, `${key.fingerprint}=`, key.fingerprint.slice('SHA256:'.length)]) {
      const check = createHostKeyCheck({ hostKeySha256: pin, insecureAcceptAnyHostKey: false });
      expect(check.verify(key.blob)).toBe(true);
      expect(check.presented()).toBe(key.fingerprint);
      expect(check.refusal()).toBeUndefined();
    }
  });

  it('refuses another key and explains both fingerprints and the fix', () => {
    const pinned = `SHA256:${'B'.repeat(43)}`;
    const check = createHostKeyCheck({ hostKeySha256: pinned, insecureAcceptAnyHostKey: false });
    expect(check.verify(key.blob)).toBe(false);
    const error = check.refusal();
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).toContain(`expected ${pinned}`);
    expect(error?.message).toContain(`ssh-ed25519 ${key.fingerprint}`);
    expect(error?.message).toContain(`SFTP_HOST_KEY_SHA256=${key.fingerprint}`);
  });

  it('checks a configured pin even in insecure mode; without a pin insecure accepts anything', () => {
    const pinned = createHostKeyCheck({ hostKeySha256: `SHA256:${'B'.repeat(43)}`, insecureAcceptAnyHostKey: true });
    expect(pinned.verify(key.blob)).toBe(false);
    const open = createHostKeyCheck({ insecureAcceptAnyHostKey: true });
    expect(open.verify(key.blob)).toBe(true);
    expect(open.presented()).toBe(key.fingerprint);
  });

  it('without a pin refuses but records the key for the operator to pin', () => {
    const check = createHostKeyCheck({ insecureAcceptAnyHostKey: false });
    expect(check.verify(key.blob)).toBe(false);
    expect(check.refusal()?.message).toMatch(/not pinned.*SFTP_HOST_KEY_SHA256=SHA256:/);
  });
});
