import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { parseEnv } from 'node:util';
import { executableProblem } from './audio/audio-tools.ts';
import { isLoopbackHost } from './http/is-loopback-host.ts';
import { envSchema, type Env } from './config-schema.ts';
import { parseNamePattern } from './five9/name-pattern.ts';
import { redactUrlCredentials } from './observability/redact-url-credentials.ts';
import type { RedactKind } from './redact/redact-kinds.ts';
import type { SftpSettings } from './sftp/sftp-settings.ts';

/**
 * The service configuration: parsed once from the environment (plus `.env`), validated with zod,
 * every problem reported at once with its variable name, then handed out in slices.
 */

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
  /** PostgreSQL ledger (DATABASE_URL set): how long a claim lives without a heartbeat, and the pool size. */
  database: { leaseMs: number; poolMax: number };
  inbox: { enabled: boolean; watch: boolean; stableMs: number; rescanIntervalMs: number };
  pipeline: {
    concurrency: number;
    /** Recordings in audio preparation (the CPU stage) at once: PREPARE_CONCURRENCY, default the cores. */
    prepareConcurrency: number;
    maxAttempts: number;
    retryBaseDelayMs: number;
    retryMaxDelayMs: number;
    /** A recording failed by transient errors only is put back to pending after this long (0: never). */
    retrySweepMs: number;
    shutdownTimeoutMs: number;
  };
  /** `console`: HTTP Basic credentials of the web console at `/`; required when `host` is not loopback. */
  http: { host: string; port: number; console?: { user: string; password: string } };
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
    /** Day folders up to this many days old are listed on every poll (SFTP_RECENT_DAYS). */
    recentDays: number;
    /** Older settled day folders are listed only by a full walk, at most this often. */
    fullScanIntervalMs: number;
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
  /** INSIGHTS_MODEL set: a chat model (same key and base URL as transcription) reads each transcript. */
  insights?: { model: string; reasons: string[]; requiredPhrases: string[] };
  /** SLACK_ALERT_ON: insights that raise a Slack alert (no transcript text or numbers in it). */
  insightAlerts: Array<'escalated' | 'unresolved' | 'follow-up' | 'negative'>;
  five9: {
    timeZone: string;
    namePattern?: string;
    ivrLegs: 'transcribe' | 'skip';
    agentChannel: 'none' | 'left' | 'right';
  };
  redact: RedactKind[];
  /** REDACT_AUDIO: mute (default) or beep what redaction masked in the audio kept, or leave it (off). */
  redactAudio: 'mute' | 'beep' | 'off';
  alerts: { summaryIntervalMs: number };
  /** `FFMPEG_PATH` / `FFPROBE_PATH` as set (checked executable); unset → `PATH`, then the npm-shipped build. */
  audioTools: { ffmpegPath?: string; ffprobePath?: string };
  /** Service-level trouble: how often a paused component is checked; the free-space floor under DATA_DIR. */
  service: { checkIntervalMs: number; diskFreeMinBytes: number };
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
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: {
    isTTY?: boolean;
    /** the command transcribes: OPENAI_API_KEY is required */ transcribes?: boolean;
    /** the command serves HTTP (`start`): the console's credentials are required off loopback */ serves?: boolean;
  } = {},
): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const invalid = new Set(problems.map((p) => p.split(':')[0]!));
  // the rules between variables are checked too, on the valid ones, so every problem shows at once
  const valid = parsed.success ? parsed : envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([key]) => !invalid.has(key))));
  if (valid.success) problems.push(...crossFieldProblems(valid.data).filter((p) => !invalid.has(p.split(':')[0]!)));
  if (options.transcribes && valid.success && !valid.data.OPENAI_API_KEY) problems.unshift(MISSING_API_KEY);
  if (valid.success) problems.push(...consoleProblems(valid.data, options.serves === true));
  if (problems.length > 0 || !valid.success) throw new ConfigError(problems);
  const e = valid.data;

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
    database: { leaseMs: e.LEASE_MS, poolMax: e.PG_POOL_MAX },
    inbox: { enabled: true, watch: e.WATCH_INBOX, stableMs: e.INBOX_STABLE_MS, rescanIntervalMs: e.INBOX_RESCAN_INTERVAL_MS },
    pipeline: {
      concurrency: e.CONCURRENCY,
      prepareConcurrency: e.PREPARE_CONCURRENCY ?? availableParallelism(),
      maxAttempts: e.MAX_ATTEMPTS,
      retryBaseDelayMs: e.RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: e.RETRY_MAX_DELAY_MS,
      retrySweepMs: e.RETRY_SWEEP_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    },
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      ...(e.CONSOLE_USER && e.CONSOLE_PASSWORD ? { console: { user: e.CONSOLE_USER, password: e.CONSOLE_PASSWORD } } : {}),
    },
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
          recentDays: e.SFTP_RECENT_DAYS,
          fullScanIntervalMs: e.SFTP_FULL_SCAN_INTERVAL_MS,
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
    insights: e.INSIGHTS_MODEL ? { model: e.INSIGHTS_MODEL, reasons: e.INSIGHTS_REASONS, requiredPhrases: e.INSIGHTS_REQUIRED_PHRASES } : undefined,
    insightAlerts: e.SLACK_ALERT_ON,
    five9: {
      timeZone: e.FIVE9_TIMEZONE,
      namePattern: e.FIVE9_NAME_PATTERN,
      ivrLegs: e.FIVE9_IVR_LEGS,
      agentChannel: e.AGENT_CHANNEL,
    },
    redact: e.REDACT,
    redactAudio: e.REDACT_AUDIO,
    alerts: { summaryIntervalMs: e.SUMMARY_INTERVAL_MS },
    audioTools: {
      ffmpegPath: e.FFMPEG_PATH === undefined ? undefined : path.resolve(e.FFMPEG_PATH),
      ffprobePath: e.FFPROBE_PATH === undefined ? undefined : path.resolve(e.FFPROBE_PATH),
    },
    service: { checkIntervalMs: e.SERVICE_CHECK_INTERVAL_MS, diskFreeMinBytes: e.DISK_FREE_MIN_MB * 1024 * 1024 },
  };
}

function crossFieldProblems(e: Env): string[] {
  const problems: string[] = [];
  if (e.SLACK_ALERT_ON.length > 0 && !e.INSIGHTS_MODEL) problems.push('SLACK_ALERT_ON: needs INSIGHTS_MODEL (the alerts come from the insights)');
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
  for (const variable of ['FFMPEG_PATH', 'FFPROBE_PATH'] as const) {
    const file = e[variable];
    const problem = file === undefined ? undefined : executableProblem(file);
    if (problem !== undefined) problems.push(`${variable}: ${file} ${problem} (unset it to use ${variable === 'FFMPEG_PATH' ? 'ffmpeg' : 'ffprobe'} from PATH or the npm-shipped build)`);
  }
  if (e.RETRY_MAX_DELAY_MS < e.RETRY_BASE_DELAY_MS) problems.push('RETRY_MAX_DELAY_MS: must be at least RETRY_BASE_DELAY_MS');
  return problems;
}

/** The console at `/` shows transcripts and retries recordings: off loopback it must not be open to anyone. */
function consoleProblems(e: Env, serves: boolean): string[] {
  if (Boolean(e.CONSOLE_USER) !== Boolean(e.CONSOLE_PASSWORD)) return [`${e.CONSOLE_USER ? 'CONSOLE_PASSWORD' : 'CONSOLE_USER'}: required together with ${e.CONSOLE_USER ? 'CONSOLE_USER' : 'CONSOLE_PASSWORD'}`];
  if (serves && !e.CONSOLE_USER && !isLoopbackHost(e.HTTP_HOST)) {
    return [`CONSOLE_USER / CONSOLE_PASSWORD: required when HTTP_HOST (${e.HTTP_HOST}) is not loopback: the web console shows transcripts and retries recordings`];
  }
  return [];
}

const MISSING_API_KEY = 'OPENAI_API_KEY: required (the API key of OpenAI or of your OpenAI-compatible server)';

const SECRET_KEYS = new Set(['apiKey', 'password', 'passphrase', 'token', 'botToken', 'webhookUrl']);

/** The configuration with every secret replaced, for `recpipe config` and the start-up log. */
export function redactedConfig(config: Config): unknown {
  return JSON.parse(
    JSON.stringify(config, (key, value: unknown) => {
      if (value === undefined || value === null) return value;
      if (SECRET_KEYS.has(key)) return '[redacted]';
      if (typeof value === 'string') return redactUrlCredentials(value);
      return value;
    }),
  );
}
