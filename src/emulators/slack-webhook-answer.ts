import type { SlackRateLimiter } from './slack-rate-limiter.ts';
import type { SlackWorkspace } from './slack-workspace.ts';

/** What an incoming webhook answers: plain text with a real HTTP status (api-contracts §3.5). */
export interface WebhookAnswer {
  status: number;
  text: string;
  retryAfter?: number;
}

/**
 * Handles `POST /services/<team>/<hook>/<secret>`: a JSON body, or the legacy form field
 * `payload` holding JSON. Success is `200 ok`; errors are plain-text codes, never JSON.
 */
export async function webhookAnswer(
  request: Request,
  hookPath: string,
  workspace: SlackWorkspace,
  limiter: SlackRateLimiter,
): Promise<WebhookAnswer> {
  const channel = workspace.webhook(hookPath);
  if (channel === undefined) return { status: 404, text: 'no_service' };

  const payload = parsePayload(request.headers.get('content-type') ?? '', await request.text());
  if (payload === undefined) return { status: 400, text: 'invalid_payload' };

  // An app webhook is bound to its channel: `channel`, `username`, `icon_*` overrides are ignored.
  const checked = workspace.check(payload);
  if (!checked.ok) {
    const text = checked.error === 'invalid_blocks_format' ? 'invalid_blocks' : checked.error;
    return { status: 400, text };
  }
  const slot = limiter.take(channel.id);
  if (!slot.allowed) return { status: 429, text: 'rate_limited', retryAfter: slot.retryAfterSeconds };
  workspace.post(channel, checked.content, 'webhook', payload.thread_ts);
  return { status: 200, text: 'ok' };
}

function parsePayload(contentType: string, raw: string): Record<string, unknown> | undefined {
  let json = raw;
  if (contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const field = new URLSearchParams(raw).get('payload');
    if (field !== null) json = field;
  }
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
