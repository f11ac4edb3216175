/**
 * What the SFTP adapter needs to reach the customer's server: the `sftp` slice of the config
 * (extra fields such as `pollIntervalMs` are ignored here).
 */
export interface SftpSettings {
  host: string;
  /** Default 22. */
  port: number;
  username: string;
  /** One of `password` or `privateKeyPath` is required (config validation checks it). */
  password?: string;
  /** OpenSSH or PEM private key file, read when a connection opens. */
  privateKeyPath?: string;
  passphrase?: string;
  /**
   * Pinned host key fingerprint as `ssh-keygen -lf` prints it (`SHA256:<base64>`); the
   * `SHA256:` prefix and trailing `=` are optional. Required unless `insecureAcceptAnyHostKey`.
   */
  hostKeySha256?: string;
  /** Accept any host key (the caller logs a warning). Default false. */
  insecureAcceptAnyHostKey: boolean;
  /** Folder scanned recursively, as the server shows it. Default `/`. */
  remoteDir: string;
  /** A file must be this old (server mtime) and unchanged since the last listing. Default 30000. */
  minFileAgeMs: number;
  /** Completion action after publish + archive. Default `leave`. */
  afterSuccess: 'leave' | 'move' | 'delete';
  /** Target of `move`, keeping each file's path relative to `remoteDir`; never scanned. */
  archiveDir?: string;
  /**
   * Download with parallel reads (`fastGet`) first and fall back to one streamed read on any
   * error or size mismatch. Default false: some servers corrupt concurrent reads.
   */
  parallelReads: boolean;
  /** Deadline of every single call (connect, list, rename, delete, end) and the idle limit of a download. Default 30000. */
  timeoutMs: number;
}
