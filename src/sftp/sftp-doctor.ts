import { messageOf } from '../errors.ts';
import { HostKeyMismatchError } from './host-key.ts';
import { SftpSession } from './sftp-session.ts';
import type { SftpSettings } from './sftp-settings.ts';

/** Result of `checkSftp`: one line per check, each failure with a fix. */
export interface SftpCheck {
  ok: boolean;
  lines: string[];
}

/**
 * `recpipe doctor` for SFTP: login, host key and the remote folder, each on its own line.
 * Never throws. On a host key mismatch or a missing pin the presented fingerprint is printed
 * as the line to paste into the environment; nothing is logged in to in that case.
 */
export async function checkSftp(settings: SftpSettings): Promise<SftpCheck> {
  const target = `${settings.username}@${settings.host}:${settings.port}`;
  let session: SftpSession;
  try {
    session = await SftpSession.open(settings);
  } catch (error) {
    if (error instanceof HostKeyMismatchError) {
      const pin = error.presented === undefined ? [] : [`  fix: after confirming with the server's administrator, set SFTP_HOST_KEY_SHA256=${error.presented}`];
      return {
        ok: false,
        lines: [
          `sftp host key: FAILED ${error.expected === undefined ? 'no key pinned' : `expected ${error.expected}`}, server presented ${error.presented ?? 'nothing'}`,
          ...pin,
          `sftp login: not attempted (${target}): the host key must be trusted first`,
          'sftp folder: not checked',
        ],
      };
    }
    return {
      ok: false,
      lines: [`sftp login: FAILED ${target}: ${messageOf(error)}`, `  fix: ${loginHint(messageOf(error))}`, 'sftp folder: not checked'],
    };
  }

  const lines: string[] = [];
  let ok = true;
  if (settings.insecureAcceptAnyHostKey && settings.hostKeySha256 === undefined) {
    lines.push(`sftp host key: WARNING not verified (SFTP_INSECURE_ACCEPT_ANY_HOST_KEY=true); server presented ${session.hostKey ?? '?'}`);
    lines.push(`  fix: pin it with SFTP_HOST_KEY_SHA256=${session.hostKey ?? 'SHA256:…'}`);
  } else {
    lines.push(`sftp host key: ok ${session.hostKey ?? ''}`.trimEnd());
  }
  lines.push(`sftp login: ok ${target}`);
  try {
    // One listing, not a walk: doctor must stay quick on a folder with years of recordings.
    const entries = await session.list(settings.remoteDir);
    const count = entries.filter((entry) => entry.name !== '.' && entry.name !== '..').length;
    lines.push(`sftp folder: ok ${settings.remoteDir} readable, ${count} entr${count === 1 ? 'y' : 'ies'}`);
  } catch (error) {
    ok = false;
    lines.push(`sftp folder: FAILED ${settings.remoteDir}: ${messageOf(error)}`);
    lines.push(`  fix: set SFTP_REMOTE_DIR to a folder ${settings.username} can list (as the server shows it; try \`sftp ${settings.username}@${settings.host}\` then \`ls\`)`);
  } finally {
    await session.end();
  }
  return { ok, lines };
}

function loginHint(message: string): string {
  if (/login failed/i.test(message)) return 'check SFTP_USERNAME and SFTP_PASSWORD or SFTP_PRIVATE_KEY_PATH (is the public key in the user\'s authorized_keys?)';
  if (/private.?key|passphrase/i.test(message)) return 'check SFTP_PRIVATE_KEY_PATH and SFTP_PASSPHRASE';
  if (/refused/i.test(message)) return 'check SFTP_HOST and SFTP_PORT: nothing accepts connections there';
  if (/timed out/i.test(message)) return 'check SFTP_HOST, SFTP_PORT and firewalls: the server did not answer in time (SFTP_TIMEOUT_MS)';
  if (/ENOTFOUND|EAI_AGAIN|lookup/i.test(message)) return 'check SFTP_HOST: the name does not resolve';
  if (/algorithm/i.test(message)) return 'the server offers no modern SSH algorithm; upgrade it or ask its administrator';
  return 'check SFTP_HOST, SFTP_PORT and the credentials';
}
