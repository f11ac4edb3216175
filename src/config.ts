import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseNamePattern } from './five9/name-pattern.ts';
import type { RedactKind } from './redact/redact-kinds.ts';
import type { SftpSettings } from './sftp/sftp-settings.ts';

/**
 * The service configuration: parsed once from the environment (plus `.env`), validated with zod,
 * every problem reported at once with its variable name, then handed out in slices.
 */

const bool = z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off'] });
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
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
const envSchema = z.object({
  DATA_DIR: z.string().default('./data'),
  INBOX_DIR: optionalText,
  WATCH_INBOX: bool.default(true),
  INBOX_STABLE_MS: int(0).default(2000),
  INBOX_RESCAN_INTERVAL_MS: int(1000).default(300_000),
  CONCURRENCY: int(1, 64).default(4),
  MAX_ATTEMPTS: int(1, 100).default(5),
  RETRY_BASE_DELAY_MS: int(0).default(1000),
  RETRY_MAX_DELAY_MS: int(0).default(60_000),
  RETRY_SWEEP_MS: int(0).default(900_000),
  SHUTDOWN_TIMEOUT_MS: int(0).default(30_000),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: int(0, 65535).default(9464),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (unset means SQLite)').optional(),
  ),
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
  NOTION_TOKEN: optionalText,
  NOTION_DATABASE_ID: optionalText,
  NOTION_BASE_URL: optionalText.pipe(z.url().optional()),
  NOTION_REQUESTS_PER_SECOND: z.coerce.number().positive().max(100).default(3),
  NOTION_ATTACH_AUDIO: bool.default(false),
  // a free workspace's per-file limit (5 MiB); paid workspaces allow 5 GiB
  NOTION_MAX_UPLOAD_BYTES: int(1).default(5 * 1024 * 1024),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_CHANNEL: optionalText,
  SLACK_WEBHOOK_URL: optionalText.pipe(z.url().optional()),
  SLACK_API_URL: optionalText.pipe(z.url().optional()),
  SUMMARY_INTERVAL_MS: int(60_000).default(86_400_000),
  FIVE9_TIMEZONE: z.string().refine(isIanaZone, 'must be an IANA time zone such as America/New_York').default('UTC'),
  FIVE9_NAME_PATTERN: optionalText,
  FIVE9_IVR_LEGS: z.enum(['transcribe', 'skip']).default('transcribe'),
  AGENT_CHANNEL: z.enum(['none', 'left', 'right']).default('none'),
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
});

type Env = z.output<typeof envSchema>;

/** The parsed configuration, in slices. Durations are milliseconds, as their names say. */
export interface Config {
  paths: {
    dataDir: string;
    inboxDir: string;
    workDir: string;
    processedDir: string;
    failedDir: string;
    transcriptsDir: string;
    sqlitePath: string;
  };
  databaseUrl?: string;
  inbox: { enabled: boolean; watch: boolean; stableMs: number; rescanIntervalMs: number };
  pipeline: {
    concurrency: number;
    maxAttempts: number;
    retryBaseDelayMs: number;
    retryMaxDelayMs: number;
    /** A recording failed by transient errors only is put back to pending after this long (0: never). */
    retrySweepMs: number;
    shutdownTimeoutMs: number;
  };
  http: { host: string; port: number };
  log: { level: Env['LOG_LEVEL']; format: 'json' | 'pretty' };
  openai: {
    apiKey?: string;
    baseURL?: string;
    model: string;
    language?: string;
    prompt?: string;
    timeoutMs: number;
  };
  /** Before transcribing: long silences cut out, long calls split into requests within the limits. */
  transcription: {
    silenceCut: boolean;
    silenceMinSeconds: number;
    silenceNoiseDb: number;
    /** Audio bytes per request; unset → 24 MiB. */
    chunkMaxBytes?: number;
    /** Audio seconds per request; unset → 1,400 for gpt-4o models, none otherwise. */
    chunkMaxSeconds?: number;
  };
  /** The SFTP session's settings plus what the poll and the downloads need. */
  sftp?: SftpSettings & {
    pollIntervalMs: number;
    maxDownloads: number;
    settleMs: number;
    alertAfterFailures: number;
  };
  notion?: {
    token: string;
    databaseId: string;
    baseUrl?: string;
    requestsPerSecond: number;
    /** Attach each recording's normalized audio to its page. */
    attachAudio: boolean;
    /** Audio files larger than this are not attached (the workspace's own limit may be lower). */
    maxUploadBytes: number;
  };
  slack?: { botToken?: string; channel?: string; webhookUrl?: string; apiUrl?: string };
  five9: {
    timeZone: string;
    namePattern?: string;
    ivrLegs: 'transcribe' | 'skip';
    agentChannel: 'none' | 'left' | 'right';
  };
  redact: RedactKind[];
  alerts: { summaryIntervalMs: number };
}

/** Bad configuration: one line per problem, each naming its variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Reads `.env` from `cwd` (if present) under the real environment: the real environment wins. */
export function environmentWithDotEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): NodeJS.ProcessEnv {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

/** Parses and checks the whole configuration; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { isTTY?: boolean } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems = crossFieldProblems(e);
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  return {
    paths: {
      dataDir,
      inboxDir: path.resolve(e.INBOX_DIR ?? path.join(dataDir, 'inbox')),
      workDir: path.join(dataDir, 'work'),
      processedDir: path.join(dataDir, 'processed'),
      failedDir: path.join(dataDir, 'failed'),
      transcriptsDir: path.join(dataDir, 'transcripts'),
      sqlitePath: path.join(dataDir, 'pipeline.db'),
    },
    databaseUrl: e.DATABASE_URL,
    inbox: { enabled: true, watch: e.WATCH_INBOX, stableMs: e.INBOX_STABLE_MS, rescanIntervalMs: e.INBOX_RESCAN_INTERVAL_MS },
    pipeline: {
      concurrency: e.CONCURRENCY,
      maxAttempts: e.MAX_ATTEMPTS,
      retryBaseDelayMs: e.RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: e.RETRY_MAX_DELAY_MS,
      retrySweepMs: e.RETRY_SWEEP_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (options.isTTY ? 'pretty' : 'json') },
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseURL: e.OPENAI_BASE_URL,
      model: e.TRANSCRIBE_MODEL,
      language: e.TRANSCRIBE_LANGUAGE,
      prompt: e.TRANSCRIBE_PROMPT,
      timeoutMs: e.OPENAI_TIMEOUT_MS,
    },
    transcription: {
      silenceCut: e.SILENCE_CUT,
      silenceMinSeconds: e.SILENCE_MIN_SECONDS,
      silenceNoiseDb: e.SILENCE_NOISE_DB,
      chunkMaxBytes: e.CHUNK_MAX_BYTES,
      chunkMaxSeconds: e.CHUNK_MAX_SECONDS,
    },
    sftp: e.SFTP_HOST
      ? {
          host: e.SFTP_HOST,
          port: e.SFTP_PORT,
          username: e.SFTP_USERNAME ?? '',
          password: e.SFTP_PASSWORD,
          privateKeyPath: e.SFTP_PRIVATE_KEY_PATH ? path.resolve(e.SFTP_PRIVATE_KEY_PATH) : undefined,
          passphrase: e.SFTP_PASSPHRASE,
          hostKeySha256: e.SFTP_HOST_KEY_SHA256,
          insecureAcceptAnyHostKey: e.SFTP_INSECURE_ACCEPT_ANY_HOST_KEY,
          remoteDir: e.SFTP_REMOTE_DIR,
          pollIntervalMs: e.SFTP_POLL_INTERVAL_MS,
          minFileAgeMs: e.SFTP_MIN_FILE_AGE_MS,
          afterSuccess: e.SFTP_AFTER_SUCCESS,
          archiveDir: e.SFTP_ARCHIVE_DIR,
          parallelReads: e.SFTP_PARALLEL_READS,
          timeoutMs: e.SFTP_TIMEOUT_MS,
          maxDownloads: e.SFTP_MAX_DOWNLOADS,
          settleMs: e.SFTP_SETTLE_MS,
          alertAfterFailures: e.SFTP_ALERT_AFTER_FAILURES,
        }
      : undefined,
    notion:
      e.NOTION_TOKEN && e.NOTION_DATABASE_ID
        ? {
            token: e.NOTION_TOKEN,
            databaseId: e.NOTION_DATABASE_ID,
            baseUrl: e.NOTION_BASE_URL,
            requestsPerSecond: e.NOTION_REQUESTS_PER_SECOND,
            attachAudio: e.NOTION_ATTACH_AUDIO,
            maxUploadBytes: e.NOTION_MAX_UPLOAD_BYTES,
          }
        : undefined,
    slack:
      (e.SLACK_BOT_TOKEN && e.SLACK_CHANNEL) || e.SLACK_WEBHOOK_URL
        ? { botToken: e.SLACK_BOT_TOKEN, channel: e.SLACK_CHANNEL, webhookUrl: e.SLACK_WEBHOOK_URL, apiUrl: e.SLACK_API_URL }
        : undefined,
    five9: {
      timeZone: e.FIVE9_TIMEZONE,
      namePattern: e.FIVE9_NAME_PATTERN,
      ivrLegs: e.FIVE9_IVR_LEGS,
      agentChannel: e.AGENT_CHANNEL,
    },
    redact: e.REDACT,
    alerts: { summaryIntervalMs: e.SUMMARY_INTERVAL_MS },
  };
}

function crossFieldProblems(e: Env): string[] {
  const problems: string[] = [];
  if (e.SFTP_HOST) {
    if (!e.SFTP_USERNAME) problems.push('SFTP_USERNAME: required when SFTP_HOST is set');
    if (!e.SFTP_PASSWORD && !e.SFTP_PRIVATE_KEY_PATH)
      problems.push('SFTP_PASSWORD / SFTP_PRIVATE_KEY_PATH: one is required when SFTP_HOST is set');
    if (e.SFTP_PRIVATE_KEY_PATH && !existsSync(e.SFTP_PRIVATE_KEY_PATH))
      problems.push(`SFTP_PRIVATE_KEY_PATH: no such file ${e.SFTP_PRIVATE_KEY_PATH}`);
    if (!e.SFTP_HOST_KEY_SHA256 && !e.SFTP_INSECURE_ACCEPT_ANY_HOST_KEY)
      problems.push(
        'SFTP_HOST_KEY_SHA256: required (the server host key fingerprint; `recpipe doctor` prints it), or set SFTP_INSECURE_ACCEPT_ANY_HOST_KEY=true',
      );
    if (e.SFTP_AFTER_SUCCESS === 'move' && !e.SFTP_ARCHIVE_DIR)
      problems.push('SFTP_ARCHIVE_DIR: required when SFTP_AFTER_SUCCESS=move');
  }
  if (Boolean(e.NOTION_TOKEN) !== Boolean(e.NOTION_DATABASE_ID))
    problems.push(`${e.NOTION_TOKEN ? 'NOTION_DATABASE_ID' : 'NOTION_TOKEN'}: required together with ${e.NOTION_TOKEN ? 'NOTION_TOKEN' : 'NOTION_DATABASE_ID'}`);
  if (Boolean(e.SLACK_BOT_TOKEN) !== Boolean(e.SLACK_CHANNEL))
    problems.push(`${e.SLACK_BOT_TOKEN ? 'SLACK_CHANNEL' : 'SLACK_BOT_TOKEN'}: required together with ${e.SLACK_BOT_TOKEN ? 'SLACK_BOT_TOKEN' : 'SLACK_CHANNEL'}`);
  if (e.FIVE9_NAME_PATTERN) {
    try {
      parseNamePattern(e.FIVE9_NAME_PATTERN);
    } catch (error) {
      const message = (error as Error).message;
      problems.push(message.startsWith('FIVE9_NAME_PATTERN') ? message : `FIVE9_NAME_PATTERN: ${message}`);
    }
  }
  if (e.DATABASE_URL)
    problems.push('DATABASE_URL: the PostgreSQL ledger is not available in this version; unset it to use SQLite at $DATA_DIR/pipeline.db');
  if (e.RETRY_MAX_DELAY_MS < e.RETRY_BASE_DELAY_MS) problems.push('RETRY_MAX_DELAY_MS: must be at least RETRY_BASE_DELAY_MS');
  return problems;
}

/** Checks what the commands that call OpenAI need on top of the schema. */
export function requireTranscription(config: Config): void {
  if (!config.openai.apiKey) throw new ConfigError(['OPENAI_API_KEY: required (the API key of OpenAI or of your OpenAI-compatible server)']);
}

const SECRET_KEYS = new Set(['apiKey', 'password', 'passphrase', 'token', 'botToken', 'webhookUrl']);

/** The configuration with every secret replaced, for `recpipe config` and the start-up log. */
export function redactedConfig(config: Config): unknown {
  return JSON.parse(
    JSON.stringify(config, (key, value: unknown) => {
      if (value === undefined || value === null) return value;
      if (SECRET_KEYS.has(key)) return '[redacted]';
      if (key === 'databaseUrl' && typeof value === 'string') return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:[redacted]@');
      return value;
    }),
  );
}
