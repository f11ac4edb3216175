import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackMessage } from './slack-message.ts';
import type { SlackTransport } from './slack-transport.ts';
import { classifySlackError } from './classify-slack-error.ts';
import { slackSdkLogger } from './slack-sdk-logger.ts';
import { raceAbort } from './race-abort.ts';

export interface WebApiTransportOptions {
  token: string;
  /** Channel ID or name. */
  channel: string;
  /** `SLACK_API_URL`; the SDK default (`https://slack.com/api/`) when unset. */
  apiUrl?: string;
  /** Per HTTP request, in milliseconds. */
  timeoutMs: number;
  logger: Logger;
}

/** `chat.postMessage` through @slack/web-api, one attempt per call. */
export class WebApiTransport implements SlackTransport {
  readonly mode = 'web-api' as const;
  private readonly client: WebClient;

  constructor(private readonly options: WebApiTransportOptions) {
    this.client = new WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      timeout: options.timeoutMs,
      // The SDK default retries for ~30 minutes and sleeps any Retry-After it is given; the alert
      // queue owns retries instead, so it can bound the wait and keep other alerts moving.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: slackSdkLogger(options.logger),
    });
  }

  async send(message: SlackMessage, signal: AbortSignal): Promise<void> {
    try {
      // The SDK takes no per-call signal; its own timeout bounds the request it leaves behind.
      await raceAbort(
        this.client.chat.postMessage({
          channel: this.options.channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        }),
        signal,
      );
    } catch (error) {
      throw classifySlackError(error);
    }
  }

  async check(signal?: AbortSignal): Promise<string> {
    try {
      const result = await raceAbort(this.client.auth.test(), signal);
      return `slack: authenticated as ${result.user ?? 'unknown'} in ${result.team ?? 'unknown'}`;
    } catch (error) {
      throw classifySlackError(error);
    }
  }
}
