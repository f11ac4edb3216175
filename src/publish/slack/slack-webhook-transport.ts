import { classifyHttpFailure } from '../../classify-http-failure.ts';
import { TransientError } from '../../errors.ts';
import { describeNetworkError } from './classify-slack-error.ts';
import type { SlackMessage } from './slack-message.ts';
import type { SlackTransport } from './slack-transport.ts';

export interface WebhookTransportOptions {
  /** `SLACK_WEBHOOK_URL`: `https://hooks.slack.com/services/T…/B…/…`. A secret: never logged. */
  url: string;
  /** Per HTTP request, in milliseconds. */
  timeoutMs: number;
}

/**
 * An incoming webhook via plain `fetch`. Webhooks answer plain text, not JSON: `200 ok`, or
 * an error code with a real status (400 invalid_payload, 404 no_service, 410, 429, 500 …).
 */
export class WebhookTransport implements SlackTransport {
  readonly mode = 'webhook' as const;

  constructor(private readonly options: WebhookTransportOptions) {
    // Fail at construction, not at the first alert, when the URL cannot be parsed.
    new URL(options.url);
  }

  async send(message: SlackMessage, signal: AbortSignal): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false }),
        redirect: 'error',
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
    } catch (error) {
      throw new TransientError(`slack webhook: request failed: ${describeNetworkError(error)}`, { system: 'slack', cause: error });
    }
    const body = (await response.text().catch(() => '')).trim().slice(0, 200);
    if (response.status === 200) return;
    const status = response.status;
    const text = `slack webhook: HTTP ${status} ${body || response.statusText}`.trim();
    // the shared status map: 409 (which this transport once treated as permanent) is transient here too
    throw classifyHttpFailure({ system: 'slack', status, headers: response.headers, defaultRetryAfterMs: 1000, message: text });
  }

  /** A webhook cannot be tested without posting a message, so only its configuration is reported. */
  async check(): Promise<string> {
    return `slack: incoming webhook configured for ${new URL(this.options.url).host} (not tested: a test would post)`;
  }
}
