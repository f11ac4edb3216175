import { z } from 'zod';
import type { RedactKind } from './redact/redact-kinds.ts';

// The environment the service reads: every variable, its type and default. Unset and empty
// mean the same. Cross-field rules and the typed Config live in config.ts.

const bool = z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off'], error: 'must be true or false' });
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const optionalNumber = optionalText.transform((v) => (v === undefined ? undefined : Number(v)));

const fingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must look like SHA256:<43 base64 characters>, as `ssh-keygen -lf` prints it');

const isIanaZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Every variable the service reads, with its default. Unset and empty mean the same. */
export const envSchema = z.object({
  DATA_DIR: z.string().default('./data'),
  INBOX_DIR: optionalText,
  WATCH_INBOX: bool.default(true),
  INBOX_STABLE_MS: int(0).default(2000),
  INBOX_RESCAN_INTERVAL_MS: int(1000).default(300_000),
  CONCURRENCY: int(1, 64).default(4),
  /** ffmpeg runs (probe, normalize, request cuts) at once; unset: the number of cores. */
  PREPARE_CONCURRENCY: int(1, 64).optional(),
  MAX_ATTEMPTS: int(1, 100).default(5),
  RETRY_BASE_DELAY_MS: int(0).default(1000),
  RETRY_MAX_DELAY_MS: int(0).default(60_000),
  RETRY_SWEEP_MS: int(0).default(900_000),
  SHUTDOWN_TIMEOUT_MS: int(0).default(30_000),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: int(0, 65535).default(9464),
  // the web console's HTTP Basic credentials; required when HTTP_HOST is not loopback (CONSOLE_PASSWORD is a secret)
  CONSOLE_USER: optionalText,
  CONSOLE_PASSWORD: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (unset means SQLite)').optional(),
  ),
  LEASE_MS: int(1000).default(30_000),
  PG_POOL_MAX: int(1, 100).default(10),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  OPENAI_TIMEOUT_MS: int(1000).default(600_000),
  TRANSCRIBE_MODEL: z.string().min(1).default('whisper-1'),
  TRANSCRIBE_LANGUAGE: optionalText.pipe(z.string().regex(/^[a-z]{2}$/, 'must be an ISO-639-1 code such as en').optional()),
  TRANSCRIBE_PROMPT: optionalText,
  SILENCE_CUT: bool.default(true),
  SILENCE_MIN_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  SILENCE_NOISE_DB: z.coerce.number().min(-90).max(-10).default(-35),
  CHUNK_MAX_BYTES: optionalNumber.pipe(z.number().int().min(1_048_576).max(26_148_864).optional()),
  CHUNK_MAX_SECONDS: optionalNumber.pipe(z.number().min(60).optional()),
  SFTP_HOST: optionalText,
  SFTP_PORT: int(1, 65535).default(22),
  SFTP_USERNAME: optionalText,
  SFTP_PASSWORD: optionalText,
  SFTP_PRIVATE_KEY_PATH: optionalText,
  SFTP_PASSPHRASE: optionalText,
  SFTP_HOST_KEY_SHA256: optionalText.pipe(fingerprint.optional()),
  SFTP_INSECURE_ACCEPT_ANY_HOST_KEY: bool.default(false),
  SFTP_REMOTE_DIR: z.string().min(1).default('/'),
  SFTP_POLL_INTERVAL_MS: int(1000).default(60_000),
  SFTP_MIN_FILE_AGE_MS: int(0).default(30_000),
  SFTP_AFTER_SUCCESS: z.enum(['leave', 'move', 'delete']).default('leave'),
  SFTP_ARCHIVE_DIR: optionalText,
  SFTP_PARALLEL_READS: bool.default(false),
  SFTP_TIMEOUT_MS: int(1000).default(30_000),
  SFTP_MAX_DOWNLOADS: int(1, 16).default(2),
  SFTP_SETTLE_MS: int(0).default(2000),
  SFTP_ALERT_AFTER_FAILURES: int(1).default(3),
  SFTP_RECENT_DAYS: int(0, 366).default(3),
  SFTP_FULL_SCAN_INTERVAL_MS: int(60_000).default(86_400_000),
  NOTION_TOKEN: optionalText,
  NOTION_DATABASE_ID: optionalText,
  NOTION_BASE_URL: optionalText.pipe(z.url().optional()),
  NOTION_REQUESTS_PER_SECOND: z.coerce.number().positive().max(100).default(3),
  NOTION_ATTACH_AUDIO: bool.default(false),
  // a free workspace's per-file limit (5 MiB); paid workspaces allow 5 GiB
  NOTION_MAX_UPLOAD_BYTES: int(1).default(5 * 1024 * 1024),
  INSIGHTS_MODEL: optionalText,
  INSIGHTS_REASONS: z
    .string()
    .default('')
    .transform((v) => [...new Set(v.split(',').map((r) => r.trim()).filter(Boolean))]),
  // phrases may hold commas ("Hello, this call is recorded"): a semicolon list
  INSIGHTS_REQUIRED_PHRASES: z
    .string()
    .default('')
    .transform((v) => [...new Set(v.split(';').map((p) => p.trim()).filter(Boolean))]),
  SLACK_ALERT_ON: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.enum(['escalated', 'unresolved', 'follow-up', 'negative'], 'must be a comma list of escalated, unresolved, follow-up, negative'))),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_CHANNEL: optionalText,
  SLACK_WEBHOOK_URL: optionalText.pipe(z.url().optional()),
  SLACK_API_URL: optionalText.pipe(z.url().optional()),
  SUMMARY_INTERVAL_MS: int(60_000).default(86_400_000),
  SERVICE_CHECK_INTERVAL_MS: int(100).default(30_000),
  DISK_FREE_MIN_MB: int(0).default(512),
  FIVE9_TIMEZONE: z.string().refine(isIanaZone, 'must be an IANA time zone such as America/New_York').default('UTC'),
  FIVE9_NAME_PATTERN: optionalText,
  FIVE9_IVR_LEGS: z.enum(['transcribe', 'skip']).default('transcribe'),
  AGENT_CHANNEL: z.enum(['none', 'left', 'right']).default('none'),
  FFMPEG_PATH: optionalText,
  FFPROBE_PATH: optionalText,
  REDACT: z
    .string()
    .default('pci,ssn')
    .transform((v) => v.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean))
    .pipe(
      z.union([
        z.tuple([z.literal('none')]).transform(() => [] as RedactKind[]),
        z.array(z.enum(['pci', 'ssn', 'phone', 'email'], 'must be a comma list of pci, ssn, phone, email, or none')),
      ]),
    ),
  REDACT_AUDIO: z.enum(['mute', 'beep', 'off']).default('mute'),
});

export type Env = z.output<typeof envSchema>;
