import type { Logger } from 'pino';
import { messageOf } from '../../errors.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { CallFlagAlert, FailureAlert, Notifier, RunSummary } from '../notifier.ts';
import { callFlaggedMessage } from './call-flagged-message.ts';
import { AlertQueue } from './alert-queue.ts';
import type { QueuedAlert } from './alert-queue.ts';
import type { SlackMessage } from './slack-message.ts';
import { failureMessage, servicePausedMessage, serviceResumedMessage, sourceDownMessage, sourceRecoveredMessage, summaryMessage } from './slack-messages.ts';
import type { SlackTransport } from './slack-transport.ts';
import { WebApiTransport } from './slack-web-api-transport.ts';
import { WebhookTransport } from './slack-webhook-transport.ts';

export interface SlackNotifierOptions {
  /** `SLACK_BOT_TOKEN` (with `channel`) selects the Web API; it wins over a webhook. */
  botToken?: string;
  /** `SLACK_CHANNEL`: channel ID or name. */
  channel?: string;
  /** `SLACK_WEBHOOK_URL`: used when no bot token and channel are set. */
  webhookUrl?: string;
  /** `SLACK_API_URL`: Web API base for emulators and proxies (default `https://slack.com/api/`). */
  apiUrl?: string;
  metrics: Metrics;
  logger: Logger;
  /** Per HTTP request, in milliseconds (default 10000). */
  timeoutMs?: number;
  /** Alerts allowed to wait for delivery before the oldest is dropped (default 100). */
  maxQueued?: number;
  /** Longest Retry-After honoured, in milliseconds (default 60000). */
  maxRetryAfterMs?: number;
}

/**
 * Operator alerts in Slack. Every method formats the alert, queues it and returns at once:
 * delivery happens in the background, one message at a time, and its failures are logged and
 * counted in `alerts_failed_total`, never thrown. Call `close()` at shutdown to give queued
 * alerts a short chance to go out.
 */
export class SlackNotifier implements Notifier {
  readonly mode: 'web-api' | 'webhook';
  private readonly transport: SlackTransport;
  private readonly queue: AlertQueue;
  private readonly log: Logger;

  constructor(private readonly options: SlackNotifierOptions) {
    this.log = options.logger.child({ component: 'slack' });
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (options.botToken && options.channel) {
      this.transport = new WebApiTransport({
        token: options.botToken,
        channel: options.channel,
        apiUrl: options.apiUrl,
        timeoutMs,
        logger: this.log,
      });
    } else if (options.webhookUrl) {
      this.transport = new WebhookTransport({ url: options.webhookUrl, timeoutMs });
    } else {
      throw new Error('SlackNotifier needs SLACK_BOT_TOKEN and SLACK_CHANNEL, or SLACK_WEBHOOK_URL');
    }
    this.mode = this.transport.mode;
    this.queue = new AlertQueue({
      send: (message, signal) => this.transport.send(message, signal),
      maxQueued: options.maxQueued,
      maxRetryAfterMs: options.maxRetryAfterMs,
      onDelivered: (alert) => this.log.debug({ kind: alert.kind, ...alert.context }, 'slack alert delivered'),
      onGiveUp: (alert, error) => this.failed(alert.kind, alert.context, error),
      onDropped: (alert, why) =>
        this.failed(alert.kind, alert.context, why === 'overflow' ? 'alert queue full: oldest alert dropped' : 'notifier closed before delivery'),
    });
  }

  async recordingFailed(alert: FailureAlert): Promise<void> {
    const context = { recordingId: alert.id, stage: alert.stage, source: alert.source };
    this.enqueue('recording-failed', context, () => failureMessage(alert));
  }

  async callFlagged(alert: CallFlagAlert): Promise<void> {
    this.enqueue('call-flagged', { recordingId: alert.id, flags: alert.flags.join(',') }, () => callFlaggedMessage(alert));
  }

  async sourceDown(source: string, reason: string, consecutiveFailures: number): Promise<void> {
    this.enqueue('source-down', { source, consecutiveFailures }, () => sourceDownMessage(source, reason, consecutiveFailures));
  }

  async servicePaused(component: string, reason: string): Promise<void> {
    this.enqueue('service-paused', { component }, () => servicePausedMessage(component, reason));
  }

  async serviceResumed(component: string, downForMs: number): Promise<void> {
    this.enqueue('service-resumed', { component, downForMs }, () => serviceResumedMessage(component, downForMs));
  }

  async sourceRecovered(source: string, downForMs: number): Promise<void> {
    this.enqueue('source-recovered', { source, downForMs }, () => sourceRecoveredMessage(source, downForMs));
  }

  async summary(summary: RunSummary): Promise<void> {
    const context = { summaryKind: summary.kind, succeeded: summary.succeeded, failed: summary.failed };
    this.enqueue('summary', context, () => summaryMessage(summary));
  }

  /** Alerts waiting or being delivered. */
  get pending(): number {
    return this.queue.pending;
  }

  /** Waits up to `timeoutMs` (default 5000) for queued alerts; true when all were settled. */
  async flush(timeoutMs = 5000): Promise<boolean> {
    return this.queue.flush(timeoutMs);
  }

  /** Stops intake and waits up to `timeoutMs` (default 5000); what is left is counted as failed. */
  async close(timeoutMs = 5000): Promise<void> {
    await this.queue.close(timeoutMs);
  }

  /**
   * For /ready and `recpipe doctor`: `auth.test` with the bot token, or, for a webhook, only
   * that it is configured (it cannot be tested without posting). Throws when unusable.
   */
  async check(signal?: AbortSignal): Promise<string> {
    return this.transport.check(signal);
  }

  private enqueue(kind: string, context: Record<string, unknown>, build: () => SlackMessage): void {
    try {
      this.queue.push({ kind, context, message: build() });
    } catch (error) {
      this.failed(kind, context, error);
    }
  }

  private failed(kind: string, context: QueuedAlert['context'], error: unknown): void {
    this.options.metrics.alertsFailed.inc();
    const status = (error as { status?: unknown } | null)?.status;
    this.log.warn({ kind, ...context, status, err: messageOf(error) }, 'slack alert not delivered');
  }
}
