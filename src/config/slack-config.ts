import { z } from 'zod';
import { envText, problem } from './env-value.ts';

/** Slack alerts, on with a bot token and channel or with an incoming webhook; else undefined. */
export const slackConfig = z
  .object({
    SLACK_BOT_TOKEN: envText,
    SLACK_CHANNEL: envText,
    SLACK_WEBHOOK_URL: envText.pipe(z.url().optional()),
    SLACK_API_URL: envText.pipe(z.url().optional()),
  })
  .superRefine((e, ctx) => {
    if (Boolean(e.SLACK_BOT_TOKEN) !== Boolean(e.SLACK_CHANNEL)) {
      const [missing, given] = e.SLACK_BOT_TOKEN ? ['SLACK_CHANNEL', 'SLACK_BOT_TOKEN'] : ['SLACK_BOT_TOKEN', 'SLACK_CHANNEL'];
      problem(ctx, missing, `required together with ${given}`);
    }
  })
  .transform((e) =>
    (e.SLACK_BOT_TOKEN && e.SLACK_CHANNEL) || e.SLACK_WEBHOOK_URL
      ? { botToken: e.SLACK_BOT_TOKEN, channel: e.SLACK_CHANNEL, webhookUrl: e.SLACK_WEBHOOK_URL, apiUrl: e.SLACK_API_URL }
      : undefined,
  );

export type SlackConfig = NonNullable<z.output<typeof slackConfig>>;
