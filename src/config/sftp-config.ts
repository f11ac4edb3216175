import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SftpSettings } from '../sftp/sftp-settings.ts';
import { envBool, envInt, envText, problem } from './env-value.ts';

const fingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must look like SHA256:<43 base64 characters>, as `ssh-keygen -lf` prints it');

/**
 * The Five9 SFTP source, on when SFTP_HOST is set: the session's SftpSettings plus what the poll and
 * the downloads need. Undefined when SFTP_HOST is unset. With `pinOptional` (`doctor` on first
 * contact) a missing host key pin is not a problem: doctor connects and prints the one to pin.
 */
export const sftpSlice = (pinOptional: boolean) => z
  .object({
    SFTP_HOST: envText,
    SFTP_PORT: envInt(1, 65535).default(22),
    SFTP_USERNAME: envText,
    SFTP_PASSWORD: envText,
    SFTP_PRIVATE_KEY_PATH: envText,
    SFTP_PASSPHRASE: envText,
    SFTP_HOST_KEY_SHA256: envText.pipe(fingerprint.optional()),
    SFTP_INSECURE_ACCEPT_ANY_HOST_KEY: envBool.default(false),
    SFTP_REMOTE_DIR: z.string().min(1).default('/'),
    SFTP_POLL_INTERVAL_MS: envInt(1000).default(60_000),
    SFTP_MIN_FILE_AGE_MS: envInt(0).default(30_000),
    SFTP_AFTER_SUCCESS: z.enum(['leave', 'move', 'delete']).default('leave'),
    SFTP_ARCHIVE_DIR: envText,
    SFTP_PARALLEL_READS: envBool.default(false),
    SFTP_TIMEOUT_MS: envInt(1000).default(30_000),
    SFTP_MAX_DOWNLOADS: envInt(1, 16).default(2),
    SFTP_SETTLE_MS: envInt(0).default(2000),
    SFTP_ALERT_AFTER_FAILURES: envInt(1).default(3),
    SFTP_RECENT_DAYS: envInt(0, 366).default(3),
    SFTP_FULL_SCAN_INTERVAL_MS: envInt(60_000).default(86_400_000),
  })
  .superRefine((e, ctx) => {
    if (!e.SFTP_HOST) return;
    if (!e.SFTP_USERNAME) problem(ctx, 'SFTP_USERNAME', 'required when SFTP_HOST is set');
    if (!e.SFTP_PASSWORD && !e.SFTP_PRIVATE_KEY_PATH)
      problem(ctx, 'SFTP_PASSWORD / SFTP_PRIVATE_KEY_PATH', 'one is required when SFTP_HOST is set');
    if (e.SFTP_PRIVATE_KEY_PATH && !existsSync(e.SFTP_PRIVATE_KEY_PATH))
      problem(ctx, 'SFTP_PRIVATE_KEY_PATH', `no such file ${e.SFTP_PRIVATE_KEY_PATH}`);
    if (!e.SFTP_HOST_KEY_SHA256 && !e.SFTP_INSECURE_ACCEPT_ANY_HOST_KEY && !pinOptional)
      problem(
        ctx,
        'SFTP_HOST_KEY_SHA256',
        'required (the server host key fingerprint; `recpipe doctor` prints it), or set SFTP_INSECURE_ACCEPT_ANY_HOST_KEY=true',
      );
    if (e.SFTP_AFTER_SUCCESS === 'move' && !e.SFTP_ARCHIVE_DIR) problem(ctx, 'SFTP_ARCHIVE_DIR', 'required when SFTP_AFTER_SUCCESS=move');
  })
  .transform((e) => {
    if (!e.SFTP_HOST) return undefined;
    const settings = {
      host: e.SFTP_HOST,
      port: e.SFTP_PORT,
      username: e.SFTP_USERNAME ?? '',
      password: e.SFTP_PASSWORD,
      privateKeyPath: e.SFTP_PRIVATE_KEY_PATH ? path.resolve(e.SFTP_PRIVATE_KEY_PATH) : undefined,
      passphrase: e.SFTP_PASSPHRASE,
      hostKeySha256: e.SFTP_HOST_KEY_SHA256,
      insecureAcceptAnyHostKey: e.SFTP_INSECURE_ACCEPT_ANY_HOST_KEY,
      remoteDir: e.SFTP_REMOTE_DIR,
      minFileAgeMs: e.SFTP_MIN_FILE_AGE_MS,
      afterSuccess: e.SFTP_AFTER_SUCCESS,
      archiveDir: e.SFTP_ARCHIVE_DIR,
      parallelReads: e.SFTP_PARALLEL_READS,
      timeoutMs: e.SFTP_TIMEOUT_MS,
    } satisfies SftpSettings;
    return {
      ...settings,
      pollIntervalMs: e.SFTP_POLL_INTERVAL_MS,
      maxDownloads: e.SFTP_MAX_DOWNLOADS,
      settleMs: e.SFTP_SETTLE_MS,
      alertAfterFailures: e.SFTP_ALERT_AFTER_FAILURES,
      /** Day folders up to this many days old are listed on every poll (SFTP_RECENT_DAYS). */
      recentDays: e.SFTP_RECENT_DAYS,
      /** Older settled day folders are listed only by a full walk, at most this often. */
      fullScanIntervalMs: e.SFTP_FULL_SCAN_INTERVAL_MS,
    };
  });

export const sftpConfig = sftpSlice(false);

export type SftpConfig = NonNullable<z.output<typeof sftpConfig>>;
