import pino, { type Logger } from 'pino';
import { redactUrlCredentials } from './redact-url-credentials.ts';

/** Paths pino replaces with `[redacted]` wherever they appear in a log object. */
const REDACT_PATHS = [
  'apiKey',
  'token',
  'password',
  'passphrase',
  'authorization',
  'webhookUrl',
  '*.apiKey',
  '*.token',
  '*.botToken',
  '*.password',
  '*.passphrase',
  '*.authorization',
  '*.webhookUrl',
  'headers.authorization',
  'config.openai.apiKey',
  'config.notion.token',
  'config.slack.botToken',
  'config.slack.webhookUrl',
  'config.sftp.password',
  'config.sftp.passphrase',
];

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Where JSON lines go (default stdout); tests pass a stream. */
  destination?: NodeJS.WritableStream;
}

/** The root logger; every recording gets `log.child({ recordingId })`. */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // a password in a URL can be anywhere: a config value, an SDK's error message, a stack
    hooks: { streamWrite: redactUrlCredentials },
  };
  if (options.format === 'pretty') {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return options.destination ? pino(base, options.destination as pino.DestinationStream) : pino(base);
}

export type { Logger };
