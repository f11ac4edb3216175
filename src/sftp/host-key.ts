import { createHash } from 'node:crypto';
import { PermanentError } from '../errors.ts';

/**
 * SHA-256 fingerprint of a raw SSH host key blob, in the form `ssh-keygen -lf` prints:
 * `SHA256:<base64 without padding>`.
 */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH key blob (`ssh-ed25519`, `ssh-rsa`, …), if readable. */
export function hostKeyType(key: Buffer): string | undefined {
  if (key.length < 4) return undefined;
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || key.length < 4 + length) return undefined;
  return key.toString('latin1', 4, 4 + length);
}

/** Accepts `SHA256:abc…=`, `sha256:abc…` or the bare base64, so operators can paste either form. */
export function normalizeFingerprint(value: string): string {
  const bare = value.trim().replace(/^sha256:/i, '').replace(/=+$/, '');
  return `SHA256:${bare}`;
}

/** The connection was refused because the server's host key is not the pinned one (or none is pinned). */
export class HostKeyMismatchError extends PermanentError {
  readonly expected: string | undefined;
  readonly presented: string | undefined;

  constructor(expected: string | undefined, presented: string | undefined, presentedType?: string) {
    const shown = presented === undefined ? 'an unreadable key' : `${presentedType ?? 'key'} ${presented}`;
    const message =
      expected === undefined
        ? `SFTP host key is not pinned; the server presented ${shown}. Confirm it with the server's ` +
          `administrator (ssh-keygen -lf <host key>.pub), then set SFTP_HOST_KEY_SHA256=${presented ?? 'SHA256:…'} ` +
          '(or SFTP_INSECURE_ACCEPT_ANY_HOST_KEY=true, not recommended)'
        : `SFTP host key mismatch: expected ${expected}, the server presented ${shown}. If the server's key ` +
          `was changed on purpose, confirm it with its administrator and set SFTP_HOST_KEY_SHA256=${presented ?? 'SHA256:…'}; ` +
          'otherwise this may be a man-in-the-middle and nothing was sent';
    super(message, { system: 'sftp' });
    this.expected = expected;
    this.presented = presented;
  }
}

/** What the verifier saw during one connection attempt. */
export interface HostKeyCheck {
  /** Pass as ssh2's `hostVerifier` (no `hostHash`): receives the raw key blob. */
  readonly verify: (key: Buffer) => boolean;
  /** Fingerprint of the key the server presented, once the handshake got that far. */
  presented(): string | undefined;
  presentedType(): string | undefined;
  /** The error to report when the verifier refused the key; undefined while nothing was refused. */
  refusal(): HostKeyMismatchError | undefined;
}

/**
 * A verifier that accepts only the pinned key. With no pin it refuses every key (while still
 * recording it, so `doctor` can print what to pin), unless `insecureAcceptAnyHostKey` is set.
 * One instance per connection attempt.
 */
export function createHostKeyCheck(options: {
  hostKeySha256?: string;
  insecureAcceptAnyHostKey: boolean;
}): HostKeyCheck {
  const expected = options.hostKeySha256 === undefined ? undefined : normalizeFingerprint(options.hostKeySha256);
  let presented: string | undefined;
  let presentedType: string | undefined;
  let refused = false;

  return {
    verify(key: Buffer): boolean {
      presented = hostKeyFingerprint(key);
      presentedType = hostKeyType(key);
      // A pin, when present, is checked even in insecure mode: a configured pin is a stronger statement.
      const ok = expected !== undefined ? presented === expected : options.insecureAcceptAnyHostKey;
      if (!ok) refused = true;
      return ok;
    },
    presented: () => presented,
    presentedType: () => presentedType,
    refusal: () => (refused ? new HostKeyMismatchError(expected, presented, presentedType) : undefined),
  };
}
