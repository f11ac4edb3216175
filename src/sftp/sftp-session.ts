import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { AbortedError, PermanentError, TransientError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createHostKeyCheck } from './host-key.ts';
import { type ListedEntry, type RemoteFile, type WalkOptions, walkRemoteTree } from './remote-walk.ts';
import { type DownloadResult, downloadToFile } from './sftp-download.ts';
import { classifySftpError } from './sftp-errors.ts';
import type { SftpSettings } from './sftp-settings.ts';
import { withDeadline } from './with-deadline.ts';

/** The part of ssh2's Client we need; ssh2-sftp-client keeps it on `.client` but its types omit it. */
interface SshConnection {
  setNoDelay(noDelay?: boolean): unknown;
  destroy(): unknown;
}

/**
 * Algorithms a current OpenSSH (9.x) accepts, strongest and fastest first. `ssh-rsa` (SHA-1)
 * is left out on purpose: OpenSSH 8.8+ refuses it too, and RSA host keys still work through
 * rsa-sha2-256/512.
 */
const ALGORITHMS: SftpClient.ConnectOptions['algorithms'] = {
  kex: [
    'curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521', 'diffie-hellman-group-exchange-sha256', 'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512', 'diffie-hellman-group14-sha256',
  ],
  serverHostKey: [
    'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256',
  ],
  // AES-GCM runs in OpenSSL (AES-NI); chacha20 needs ssh2's optional native addon to be fast.
  cipher: [
    'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr',
  ],
  hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'],
  compress: ['none'],
};
const KEEPALIVE_INTERVAL_MS = 10_000;

export interface SftpSessionOptions {
  /** `active_sftp_connections` follows the lifetime of the session. */
  metrics?: Metrics;
  /** Aborting while connecting destroys the socket and rejects with AbortedError. */
  signal?: AbortSignal;
}

/**
 * One SFTP connection (a fresh ssh2-sftp-client per connection, never reused after `end()`).
 * Every call has a deadline (`settings.timeoutMs`); a call that misses it destroys the
 * connection, so later calls fail fast with a TransientError instead of queueing behind it.
 * Calls are meant to be made one at a time; `walk` alone overlaps a few listings.
 */
export class SftpSession {
  private closed = false;

  private constructor(
    private readonly client: SftpClient,
    readonly settings: SftpSettings,
    /** Fingerprint of the host key the server presented (`SHA256:…`). */
    readonly hostKey: string | undefined,
    private readonly metrics: Metrics | undefined,
  ) {
    // The server may drop us at any time (Five9-style abrupt closes, restarts): keep the gauge honest.
    client.on('close', () => this.markClosed());
  }

  /** Connects, verifies the host key and opens the SFTP subsystem. */
  static async open(settings: SftpSettings, options: SftpSessionOptions = {}): Promise<SftpSession> {
    const { signal, metrics } = options;
    if (signal?.aborted) throw new AbortedError();
    const privateKey = settings.privateKeyPath === undefined ? undefined : await readPrivateKey(settings.privateKeyPath);
    const hostKey = createHostKeyCheck(settings);
    // No-op global listeners: the defaults console.log every end/close event.
    const client = new SftpClient('recpipe', { error() {}, end() {}, close() {} });
    const ssh = sshOf(client);
    let rawError: unknown;
    const captureRaw = (error: unknown): void => {
      rawError ??= error;
    };
    const abort = (): void => {
      ssh.destroy();
    };
    client.on('error', captureRaw);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const connecting = client.connect({
        host: settings.host,
        port: settings.port,
        username: settings.username,
        password: settings.password,
        privateKey,
        passphrase: settings.passphrase,
        hostVerifier: hostKey.verify,
        readyTimeout: settings.timeoutMs,
        keepaliveInterval: KEEPALIVE_INTERVAL_MS,
        keepaliveCountMax: 3,
        algorithms: ALGORITHMS,
      });
      await withDeadline(connecting, settings.timeoutMs, `connect to ${settings.host}:${settings.port}`, abort);
    } catch (error) {
      ssh.destroy();
      if (signal?.aborted) throw new AbortedError(undefined, { cause: error });
      throw hostKey.refusal() ?? classifySftpError(rawError ?? error, { action: 'connect', path: `${settings.host}:${settings.port}`, username: settings.username });
    } finally {
      client.removeListener('error', captureRaw);
      signal?.removeEventListener('abort', abort);
    }
    // Nagle holds back ssh2's small read requests: measured 5x faster streamed reads without it.
    ssh.setNoDelay(true);
    metrics?.activeSftpConnections.inc();
    return new SftpSession(client, settings, hostKey.presented(), metrics);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Every regular file below `remoteDir` (default `settings.remoteDir`), skipping dot and
   * temp-upload names, symlinks and `settings.archiveDir`.
   */
  async walk(remoteDir: string = this.settings.remoteDir, options: WalkOptions = {}): Promise<RemoteFile[]> {
    const exclude = [...(options.exclude ?? []), ...(this.settings.archiveDir === undefined ? [] : [this.settings.archiveDir])];
    try {
      return await walkRemoteTree(remoteDir, (folder) => this.call('list', folder, () => this.client.list(folder)), { ...options, exclude });
    } catch (error) {
      if (error instanceof PermanentError && /no such file/i.test(error.message)) {
        throw new PermanentError(`SFTP folder ${remoteDir} does not exist on ${this.settings.host} (check SFTP_REMOTE_DIR)`, { system: 'sftp', cause: error });
      }
      throw error;
    }
  }

  /** One folder's entries, unfiltered (`doctor` uses it to show the folder is readable). */
  async list(remoteDir: string): Promise<ListedEntry[]> {
    return this.call('list', remoteDir, () => this.client.list(remoteDir));
  }

  /**
   * Downloads `remotePath` to `localPath` through `localPath + '.part'`, verifies the size
   * against the listing and renames. On failure the temp file is gone and the error is
   * classified (TransientError for network/stall/size mismatch, PermanentError for a missing
   * or forbidden file).
   */
  async download(remotePath: string, localPath: string, expectedSize: number, options: { signal?: AbortSignal } = {}): Promise<DownloadResult> {
    this.assertOpen('download', remotePath);
    return downloadToFile({
      client: this.client,
      remotePath,
      localPath,
      expectedSize,
      parallelReads: this.settings.parallelReads,
      idleTimeoutMs: this.settings.timeoutMs,
      signal: options.signal,
      username: this.settings.username,
      isOpen: () => !this.closed,
      destroyConnection: () => this.destroy(),
    });
  }

  /**
   * Renames `from` to `to`, creating `to`'s folders. Idempotent: when `from` is gone and `to`
   * exists, an earlier attempt already moved it (a crash before the ledger checkpoint).
   */
  async move(from: string, to: string): Promise<void> {
    await this.mkdirp(posix.dirname(to));
    try {
      await this.call('rename', `${from} -> ${to}`, () => this.client.rename(from, to));
    } catch (error) {
      if (this.closed || !(await this.alreadyMoved(from, to))) throw error;
    }
  }

  /** Deletes a remote file; a file already gone counts as deleted (retries are safe). */
  async delete(remotePath: string): Promise<void> {
    await this.call('delete', remotePath, () => this.client.delete(remotePath, true));
  }

  /** Ends the session politely, bounded by the deadline, then destroys the socket regardless. */
  async end(): Promise<void> {
    if (this.closed) return;
    try {
      await withDeadline(this.client.end(), this.settings.timeoutMs, 'end');
    } catch {
      // end() hangs or errors on some servers (ssh2-sftp-client #591, #526); the socket goes anyway.
    } finally {
      this.destroy();
    }
  }

  /** Drops the connection at once (shutdown, timeouts). */
  destroy(): void {
    sshOf(this.client).destroy();
    this.markClosed();
  }

  private async mkdirp(folder: string): Promise<void> {
    if (folder === '/' || folder === '.' || folder === '') return;
    try {
      await this.call('mkdir', folder, () => this.client.mkdir(folder, true));
    } catch (error) {
      // Two moves may race to create the same day folder; only a folder that is still missing is a failure.
      const made = this.closed ? false : await this.exists(folder).catch(() => false);
      if (made !== 'd') throw error;
    }
  }

  private async alreadyMoved(from: string, to: string): Promise<boolean> {
    try {
      return (await this.exists(from)) === false && (await this.exists(to)) !== false;
    } catch {
      return false; // the rename's own error is the one worth reporting
    }
  }

  private exists(remotePath: string): Promise<false | string> {
    return this.call('stat', remotePath, () => this.client.exists(remotePath));
  }

  private async call<T>(action: string, path: string, work: () => Promise<T>): Promise<T> {
    this.assertOpen(action, path);
    try {
      return await withDeadline(work(), this.settings.timeoutMs, `${action} ${path}`, () => this.destroy());
    } catch (error) {
      throw classifySftpError(error, { action, path, username: this.settings.username });
    }
  }

  private assertOpen(action: string, path: string): void {
    if (this.closed) throw new TransientError(`SFTP ${action} ${path}: the connection is closed`, { system: 'sftp' });
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.metrics?.activeSftpConnections.dec();
  }
}

function sshOf(client: SftpClient): SshConnection {
  return (client as unknown as { client: SshConnection }).client;
}

async function readPrivateKey(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new PermanentError(`cannot read SFTP_PRIVATE_KEY_PATH ${file}: ${(error as Error).message}`, { system: 'sftp', cause: error });
  }
}
