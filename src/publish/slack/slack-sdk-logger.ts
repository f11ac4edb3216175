import { LogLevel } from '@slack/web-api';
import type { Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from 'pino';

/**
 * Routes @slack/web-api's own log lines into pino instead of the console. The SDK's info and
 * debug chatter becomes debug; its warnings (missing fallback text, response warnings) stay warn.
 */
export function slackSdkLogger(logger: Logger): SlackLogger {
  const log = logger.child({ component: 'slack-web-api' });
  const line = (parts: unknown[]): string => parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  return {
    debug: (...parts: unknown[]) => log.debug(line(parts)),
    info: (...parts: unknown[]) => log.debug(line(parts)),
    // Failed requests are reported once, by the notifier, with their classification.
    warn: (...parts: unknown[]) => (parts[0] === 'http request failed' ? log.debug(line(parts)) : log.warn(line(parts))),
    error: (...parts: unknown[]) => log.error(line(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}
