import type { CallFlagAlert } from '../notifier.ts';
import { escapeMrkdwn, fitToLimits, truncate } from './slack-message.ts';
import type { SlackMessage } from './slack-message.ts';
import { scrubNumbers } from './scrub-numbers.ts';

/** Only the fixed words of the insights schema reach Slack; anything else shows as `other`. */
const WORDS = new Set(['resolved', 'follow-up', 'escalated', 'unresolved', 'negative', 'neutral', 'positive']);

function word(value: string): string {
  return WORDS.has(value) ? value : 'other';
}

/**
 * A call worth a look (SLACK_ALERT_ON): which flags, outcome and the caller's mood, where to find
 * it. Never what was said and never a number: the file name's caller number is scrubbed, the
 * reason and summary are left out (a model's free text could quote the caller).
 */
export function callFlaggedMessage(alert: CallFlagAlert): SlackMessage {
  const file = escapeMrkdwn(truncate(scrubNumbers(alert.fileName), 200)).replace(/`/g, "'");
  const flags = alert.flags.map(word).join(', ');
  const id = /^[0-9a-f]{1,64}$/i.test(alert.id) ? alert.id : 'unknown';
  return fitToLimits({
    text: `:warning: Call flagged (${flags}): ${file}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: ':warning: Call flagged', emoji: true } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Flags*\n${flags}` },
          { type: 'mrkdwn', text: `*Outcome*\n${word(alert.outcome)}` },
          { type: 'mrkdwn', text: `*Caller mood*\n${word(alert.sentiment.start)} → ${word(alert.sentiment.end)}` },
          { type: 'mrkdwn', text: `*Recording ID*\n\`${id}\`` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: `*File*\n\`${file}\`` } },
    ],
  });
}
