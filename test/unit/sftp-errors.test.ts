import { describe, expect, it } from 'vitest';
import { AbortedError, PermanentError, TransientError } from '../../src/errors.ts';
import { classifySftpError } from '../../src/sftp/sftp-errors.ts';

const withFields = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);
const ctx = { action: 'list', path: '/rec', username: 'five9' };

describe('classifySftpError', () => {
  it.each([
    ['refused', withFields('connect ECONNREFUSED 127.0.0.1:22', { code: 'ECONNREFUSED', level: 'client-socket' })],
    ['reset', withFields('getConnection: read ECONNRESET', { code: 'ECONNRESET' })],
    ['handshake timeout', withFields('Timed out while waiting for handshake', { level: 'client-timeout' })],
    ['keepalive', withFields('Keepalive timeout', { level: 'client-timeout' })],
    ['server vanished mid-call', withFields('list: Unexpected end event', { code: 'ERR_GENERIC_CLIENT' })],
    ['pending request dropped', new Error('No response from server')],
    ['sftp connection lost status', withFields('Connection lost', { code: 7 })],
    ['disk full', withFields("ENOSPC: no space left on device, write", { code: 'ENOSPC', syscall: 'write' })],
  ])('%s is transient', (_name, error) => {
    expect(classifySftpError(error, ctx)).toBeInstanceOf(TransientError);
  });

  it.each([
    ['missing folder', withFields('No such file /rec', { code: 2 }), /no such file/],
    ['forbidden', withFields('Permission denied /rec', { code: 3 }), /permission denied for user five9/],
    ['bad algorithms', withFields('Handshake failed: no matching host key format', { level: 'handshake' }), /no SSH algorithm in common/],
    ['bad key file', new Error('Cannot parse privateKey: Unsupported key format'), /SFTP_PRIVATE_KEY_PATH/],
    ['local permission', withFields('EACCES: permission denied, open /data/work/x.part', { code: 'EACCES', syscall: 'open' }), /local file error/],
    ['unknown', new Error('something odd'), /something odd/],
  ])('%s is permanent', (_name, error, message) => {
    const classified = classifySftpError(error, ctx);
    expect(classified).toBeInstanceOf(PermanentError);
    expect(classified.message).toMatch(message);
  });

  it('names the user on a failed login', () => {
    const error = withFields('All configured authentication methods failed', { level: 'client-authentication' });
    const classified = classifySftpError(error, { action: 'connect', username: 'five9' });
    expect(classified).toBeInstanceOf(PermanentError);
    expect(classified.message).toMatch(/^SFTP login failed for user five9: All configured authentication methods failed/);
  });

  it('passes classified and abort errors through', () => {
    const transient = new TransientError('x');
    expect(classifySftpError(transient, ctx)).toBe(transient);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(classifySftpError(abort, ctx)).toBeInstanceOf(AbortedError);
  });
});
