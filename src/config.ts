import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { z } from 'zod';
import { alertsConfig } from './config/alerts-config.ts';
import { audioToolsConfig } from './config/audio-tools-config.ts';
import { isBetweenVariables } from './config/env-value.ts';
import { five9Config } from './config/five9-config.ts';
import { httpConfig } from './config/http-config.ts';
import { inboxConfig } from './config/inbox-config.ts';
import { insightAlertsConfig, insightsConfig } from './config/insights-config.ts';
import { databaseConfig, databaseUrlConfig } from './config/ledger-config.ts';
import { logConfig } from './config/log-config.ts';
import { notionConfig } from './config/notion-config.ts';
import { openaiConfig } from './config/openai-config.ts';
import { pathsConfig } from './config/paths-config.ts';
import { pipelineConfig } from './config/pipeline-config.ts';
import { redactAudioConfig, redactConfig } from './config/redact-config.ts';
import { retentionConfig } from './config/retention-config.ts';
import { secretsFromFiles } from './config/secret-files.ts';
import { serviceConfig } from './config/service-config.ts';
import { sftpSlice } from './config/sftp-config.ts';
import { slackConfig } from './config/slack-config.ts';
import { transcriptionConfig } from './config/transcription-config.ts';
import { redactUrlCredentials } from './observability/redact-url-credentials.ts';

/**
 * The service configuration: parsed once from the environment (plus `.env`), validated with zod,
 * every problem reported at once with its variable name, then handed out in slices.
 *
 * Each slice lives in `src/config/<part>-config.ts`: one zod schema over that part's variables
 * (types, defaults, the rules between them) that transforms into the part's typed settings. A new
 * variable is added in one place, its slice; a new part is one file plus one line below.
 */
export function configSlices(options: LoadOptions = {}) {
  return {
    paths: pathsConfig,
    databaseUrl: databaseUrlConfig,
    database: databaseConfig,
    inbox: inboxConfig,
    pipeline: pipelineConfig,
    http: httpConfig(options.serves ?? false),
    log: logConfig(options.isTTY ?? false),
    openai: openaiConfig,
    transcription: transcriptionConfig,
    sftp: sftpSlice(options.sftpPinOptional ?? false),
    notion: notionConfig,
    slack: slackConfig,
    insights: insightsConfig,
    insightAlerts: insightAlertsConfig,
    five9: five9Config,
    redact: redactConfig,
    redactAudio: redactAudioConfig,
    alerts: alertsConfig,
    retention: retentionConfig,
    audioTools: audioToolsConfig,
    service: serviceConfig,
  };
}

type Slices = ReturnType<typeof configSlices>;
/** Slices that can be off (`sftp`, `notion`, `slack`, `databaseUrl`) are optional keys. */
type OptionalKeys = { [K in keyof Slices]: undefined extends z.output<Slices[K]> ? K : never }[keyof Slices];

/** The parsed configuration, in slices, each typed by its schema. Durations are milliseconds, as their names say. */
export type Config = { [K in Exclude<keyof Slices, OptionalKeys>]: z.output<Slices[K]> } & {
  [K in OptionalKeys]?: z.output<Slices[K]>;
};

export interface LoadOptions {
  isTTY?: boolean;
  /** The command transcribes: OPENAI_API_KEY is required. */
  transcribes?: boolean;
  /** The command serves HTTP (`start`): the console's credentials are required off loopback. */
  serves?: boolean;
  /** `doctor` runs without a host key pin: on first contact it prints the one to pin. */
  sftpPinOptional?: boolean;
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
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  // every secret may come from `<NAME>_FILE` (Docker/Kubernetes secrets): read before any slice sees it
  const secrets = secretsFromFiles(environment);
  const env = secrets.env;
  const problems: string[] = [...secrets.problems];
  const config: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(configSlices(options))) {
    const slice = parseSlice(schema, env);
    problems.push(...slice.problems);
    config[key] = slice.value;
  }
  // read from env, not the slice: an invalid OPENAI_BASE_URL must not hide a missing key
  if (options.transcribes && !env.OPENAI_API_KEY?.trim() && !secrets.problems.some((p) => p.startsWith('OPENAI_API_KEY'))) {
    problems.unshift(MISSING_API_KEY);
  }
  // the one rule between two slices: the alerts come from the insights
  if (Array.isArray(config.insightAlerts) && config.insightAlerts.length > 0 && !env.INSIGHTS_MODEL?.trim())
    problems.push('SLACK_ALERT_ON: needs INSIGHTS_MODEL (the alerts come from the insights)');
  if (problems.length > 0) throw new ConfigError(problems);
  return config as Config;
}

/**
 * One slice's value, or its problems: the variables' own first, then the rules between them,
 * checked on the variables that are valid (the invalid ones fall back to their defaults), so an
 * operator sees every problem at once rather than one per start, and an invalid variable is not
 * named a second time by a rule that read its invalid value.
 */
function parseSlice(schema: z.ZodType, env: NodeJS.ProcessEnv): { value?: unknown; problems: string[] } {
  const parsed = schema.safeParse(env);
  if (parsed.success) return { value: parsed.data, problems: [] };
  const own = parsed.error.issues.filter((issue) => !isBetweenVariables(issue));
  if (own.length === 0) return { problems: parsed.error.issues.map(problemLine) };
  const invalid = new Set(own.map((issue) => String(issue.path[0])));
  const rest = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([key]) => !invalid.has(key))));
  const rules = rest.success ? [] : rest.error.issues.filter((issue) => isBetweenVariables(issue) && !invalid.has(String(issue.path[0])));
  return { problems: [...own, ...rules].map(problemLine) };
}

function problemLine(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.')}: ${issue.message}`;
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
