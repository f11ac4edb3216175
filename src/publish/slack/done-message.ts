import type { DoneNotice } from '../notifier.ts';
import { escapeMrkdwn, fitToLimits, truncate } from './slack-message.ts';
import type { SlackMessage } from './slack-message.ts';
import { formatDuration } from './slack-messages.ts';
import { scrubNumbers } from './scrub-numbers.ts';

/**
 * `SLACK_NOTIFY=all`: one line per finished call — its id, length, agent and campaign. Never the
 * file name (Five9 names start with the caller's number), transcript text, or any long number.
 */
export function doneMessage(notice: DoneNotice): SlackMessage {
  const who = [notice.agent && `agent ${clean(notice.agent)}`, notice.campaign && `campaign ${clean(notice.campaign)}`].filter(Boolean).join(', ');
  const text = `:white_check_mark: Call \`${notice.id.replace(/[^0-9a-f]/gi, '')}\` transcribed: ${formatDuration(notice.audioSeconds * 1000)}${who ? `, ${who}` : ''}`;
  return fitToLimits({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
}

function clean(text: string): string {
  return escapeMrkdwn(truncate(scrubNumbers(text).replace(/\s+/g, ' ').trim(), 80));
}
