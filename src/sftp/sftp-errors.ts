import { AbortedError, ClassifiedError, PermanentError, TransientError, messageOf } from '../errors.ts';
import { TRANSIENT_NETWORK_CODES } from '../transient-network-error.ts';

/** Where a failure happened, for the message and the classification. */
export interface SftpErrorContext {
  /** `connect`, `list`, `download`, `rename`, `delete`, `mkdir`, `end`, … */
  action: string;
  path?: string;
  username?: string;
}

// ssh2 tags connection-level errors with a `level`; ssh2-sftp-client keeps `code` but drops
// `level`, which is why `SftpSession` also captures the raw error of a failed connect.
const TRANSIENT_LEVELS = new Set(['client-timeout', 'client-socket', 'client-dns']);
// Local disk trouble that an operator can clear (space, descriptors) without touching the recording.
const TRANSIENT_LOCAL_CODES = new Set(['ENOSPC', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN']);
/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02 §7). */
const SFTP_STATUS = { noSuchFile: 2, permissionDenied: 3, noConnection: 6, connectionLost: 7 } as const;
const CONNECTION_GONE = /unexpected (end|close) event|no response from server|not connected|connection lost|keepalive timeout|timed out|socket hang up|channel open failure/i;

/**
 * Turns whatever ssh2 / ssh2-sftp-client / node:fs threw into the pipeline's error classes:
 * network trouble, timeouts and a vanished server are transient; failed login, a missing or
 * forbidden path and algorithm mismatches are permanent. Already-classified errors pass through.
 */
export function classifySftpError(error: unknown, context: SftpErrorContext): Error {
  if (error instanceof ClassifiedError || error instanceof AbortedError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new AbortedError(undefined, { cause: error });

  const { code, level, syscall } = fieldsOf(error);
  const message = messageOf(error);
  const where = context.path === undefined ? `SFTP ${context.action}` : `SFTP ${context.action} ${context.path}`;
  const transient = (text: string) => new TransientError(`${where}: ${text}`, { system: 'sftp', cause: error });
  const permanent = (text: string) => new PermanentError(`${where}: ${text}`, { system: 'sftp', cause: error });

  if (level === 'client-authentication' || code === 'ERR_BAD_AUTH' || /authentication methods failed/i.test(message)) {
    return new PermanentError(
      `SFTP login failed for user ${context.username ?? '?'}: ${message} (check SFTP_USERNAME and SFTP_PASSWORD or SFTP_PRIVATE_KEY_PATH)`,
      { system: 'sftp', cause: error },
    );
  }
  if (/cannot parse privatekey|passphrase/i.test(message)) {
    return permanent(`${message} (check SFTP_PRIVATE_KEY_PATH and SFTP_PASSPHRASE)`);
  }
  if (typeof syscall === 'string' && typeof code === 'string' && !TRANSIENT_NETWORK_CODES.has(code)) {
    // node:fs on our side (writing the temp file), not the server
    const local = `local file error: ${message}`;
    return TRANSIENT_LOCAL_CODES.has(code)
      ? new TransientError(`${where}: ${local}`, { system: 'fs', cause: error })
      : new PermanentError(`${where}: ${local}`, { system: 'fs', cause: error });
  }
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return transient(message);
  if (level !== undefined && TRANSIENT_LEVELS.has(level)) return transient(message);
  if (code === SFTP_STATUS.noSuchFile || code === 'ENOENT' || /no such file/i.test(message)) {
    return permanent(`no such file or folder (${message})`);
  }
  if (code === SFTP_STATUS.permissionDenied || code === 'EACCES' || /permission denied/i.test(message)) {
    return permanent(`permission denied for user ${context.username ?? '?'} (${message})`);
  }
  if (code === SFTP_STATUS.noConnection || code === SFTP_STATUS.connectionLost) return transient(message);
  if (/no matching/i.test(message)) {
    return permanent(`no SSH algorithm in common with the server (${message}); the server may be too old for OpenSSH 9 era algorithms`);
  }
  if (CONNECTION_GONE.test(message)) return transient(message);
  if (level === 'protocol' && /before handshake/i.test(message)) return transient(message);
  return permanent(message);
}

function fieldsOf(error: unknown): { code?: string | number; level?: string; syscall?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as { code?: unknown; level?: unknown; syscall?: unknown };
  return {
    code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined,
    level: typeof e.level === 'string' ? e.level : undefined,
    syscall: typeof e.syscall === 'string' ? e.syscall : undefined,
  };
}
