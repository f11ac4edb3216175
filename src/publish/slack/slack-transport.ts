import type { SlackMessage } from './slack-message.ts';

/**
 * One way of delivering an alert: the Web API (`chat.postMessage`) or an incoming webhook.
 * Both make exactly one HTTP attempt per call, bounded by a timeout, and throw classified
 * errors (TransientError with `retryAfterMs` for 429, PermanentError otherwise); the alert
 * queue owns retries.
 */
export interface SlackTransport {
  readonly mode: 'web-api' | 'webhook';
  send(message: SlackMessage, signal: AbortSignal): Promise<void>;
  /** Cheap readiness check; throws when unusable. */
  check(signal?: AbortSignal): Promise<string>;
}
