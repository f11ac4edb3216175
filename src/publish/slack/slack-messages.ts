import type { FailureAlert, RunSummary } from '../notifier.ts';
import { escapeMrkdwn, fitToLimits, messageLimits, truncate } from './slack-message.ts';
import type { SlackBlock, SlackMessage, TextObject } from './slack-message.ts';
import { scrubNumbers } from './scrub-numbers.ts';

/** Failures listed in a summary; the rest are counted ("…and 180 more"). */
const summaryFailureLines = 25;

/**
 * Every free text that reaches Slack passes here: numbers of 7+ digits scrubbed (caller
 * numbers in Five9 file names, card numbers in error texts), then cut and mrkdwn-escaped.
 */
function safe(text: string, max: number): string {
  return escapeMrkdwn(truncate(scrubNumbers(text).replace(/\s+/g, ' ').trim(), max));
}

/** Inline code without letting the content close the span early. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function mrkdwn(text: string): TextObject {
  return { type: 'mrkdwn', text };
}

function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, messageLimits.headerText), emoji: true } };
}

/** A failed recording: where it failed and why, never what was said. */
export function failureMessage(alert: FailureAlert): SlackMessage {
  const file = safe(alert.fileName, 200);
  const stage = safe(alert.stage, 50);
  const fields = [
    mrkdwn(`*File*\n${code(file)}`),
    mrkdwn(`*Source*\n${safe(alert.source, 50)}`),
    mrkdwn(`*Stage*\n${stage}`),
    mrkdwn(`*Attempts*\n${alert.attempts}`),
  ];
  // The id is hex from a hash, not personal data: kept whole so it can be pasted into `recpipe retry`.
  if (alert.id !== undefined) {
    const id = /^[0-9a-f]{1,64}$/i.test(alert.id) ? alert.id : safe(alert.id, 64);
    fields.push(mrkdwn(`*Recording ID*\n${code(id)}`));
  }
  return fitToLimits({
    text: `:x: Recording failed at ${stage}: ${file}`,
    blocks: [
      header(':x: Recording failed'),
      { type: 'section', fields },
      { type: 'section', text: mrkdwn(`*Reason*\n${code(safe(alert.reason, 1500))}`) },
      {
        type: 'context',
        elements: [
          mrkdwn(
            alert.retryAt
              ? `Transient errors only: retried automatically after ${safe(alert.retryAt, 40)} (no further alerts for it).`
              : 'Moved to `failed/`. Retry with `recpipe retry <id>` once the cause is fixed.',
          ),
        ],
      },
    ],
  });
}

/** A source that failed `consecutiveFailures` times in a row. */
export function sourceDownMessage(source: string, reason: string, consecutiveFailures: number): SlackMessage {
  const name = safe(source, 100);
  return fitToLimits({
    text: `:rotating_light: Source ${name} is failing (${consecutiveFailures} times in a row)`,
    blocks: [
      header(':rotating_light: Source down'),
      { type: 'section', text: mrkdwn(`*${name}* failed ${consecutiveFailures} times in a row. New recordings from it wait until it works again.`) },
      { type: 'section', text: mrkdwn(`*Last error*\n${code(safe(reason, 1500))}`) },
    ],
  });
}

/** Service-level trouble (key, quota, API, disk, ledger) paused intake; nothing failed. */
export function servicePausedMessage(component: string, reason: string): SlackMessage {
  const name = safe(component, 100);
  return fitToLimits({
    text: `:double_vertical_bar: Processing paused: ${name}`,
    blocks: [
      header(':double_vertical_bar: Processing paused'),
      { type: 'section', text: mrkdwn(`*${name}* is unusable. Recordings stay pending and resume by themselves once it works again.`) },
      { type: 'section', text: mrkdwn(`*Reason*\n${code(safe(reason, 1500))}`) },
    ],
  });
}

/** The paused component works again; intake resumed. */
export function serviceResumedMessage(component: string, downForMs: number): SlackMessage {
  const name = safe(component, 100);
  const duration = formatDuration(downForMs);
  return fitToLimits({
    text: `:arrow_forward: Processing resumed: ${name} works again after ${duration}`,
    blocks: [header(':arrow_forward: Processing resumed'), { type: 'section', text: mrkdwn(`*${name}* works again after ${duration}.`) }],
  });
}

/** The source works again after an alerted outage. */
export function sourceRecoveredMessage(source: string, downForMs: number): SlackMessage {
  const name = safe(source, 100);
  const duration = formatDuration(downForMs);
  return fitToLimits({
    text: `:white_check_mark: Source ${name} recovered after ${duration}`,
    blocks: [
      header(':white_check_mark: Source recovered'),
      { type: 'section', text: mrkdwn(`*${name}* works again after ${duration} down.`) },
    ],
  });
}

/** Counts for a run or a period, with the first failures listed and the rest counted. */
export function summaryMessage(summary: RunSummary): SlackMessage {
  const title = summary.kind === 'run' ? 'Run summary' : 'Periodic summary';
  const minutes = (summary.audioSeconds / 60).toFixed(1);
  const failedCount = Math.max(summary.failed, summary.failures.length);
  const icon = failedCount > 0 ? ':warning:' : ':bar_chart:';
  const blocks: SlackBlock[] = [
    header(`${icon} ${title}`),
    {
      type: 'section',
      fields: [
        mrkdwn(`*Succeeded*\n${summary.succeeded}`),
        mrkdwn(`*Failed*\n${failedCount}`),
        mrkdwn(`*Duplicates*\n${summary.duplicates}`),
        mrkdwn(`*Audio minutes*\n${minutes}`),
      ],
    },
    { type: 'context', elements: [mrkdwn(`${safe(summary.startedAt, 40)} → ${safe(summary.endedAt, 40)}`)] },
  ];
  if (summary.insights) {
    const { calls, promptTokens, completionTokens, costPerCallUsd } = summary.insights;
    const cost = costPerCallUsd === undefined ? '' : `, about $${costPerCallUsd.toFixed(5)} per call at list price`;
    blocks.push({ type: 'context', elements: [mrkdwn(`Insights: ${calls} calls, ${promptTokens} + ${completionTokens} tokens${cost}`)] });
  }
  if (summary.failures.length > 0) blocks.push(...failureSections(summary.failures, failedCount));
  return fitToLimits({
    text: `${icon} ${title}: ${summary.succeeded} succeeded, ${failedCount} failed, ${summary.duplicates} duplicates, ${minutes} audio minutes`,
    blocks,
  });
}

function failureSections(failures: RunSummary['failures'], failedCount: number): SlackBlock[] {
  const shown = failures.slice(0, summaryFailureLines);
  const lines = shown.map((f) => `• ${code(safe(f.fileName, 90))} ${safe(f.stage, 20)}: ${safe(f.reason, 120)}`);
  // Lines go into as many sections as the 3000-character limit needs, never one line split.
  const sections: SlackBlock[] = [];
  let current = `*Failures* (${shown.length} of ${failedCount})`;
  for (const line of lines) {
    if (current.length + 1 + line.length > messageLimits.sectionText) {
      sections.push({ type: 'section', text: mrkdwn(current) });
      current = line;
    } else {
      current += `\n${line}`;
    }
  }
  sections.push({ type: 'section', text: mrkdwn(current) });
  const hidden = failedCount - shown.length;
  if (hidden > 0) {
    sections.push({ type: 'context', elements: [mrkdwn(`…and ${hidden} more. \`recpipe status\` lists them all.`)] });
  }
  return sections;
}

/** `45 s`, `12 min`, `3 h 5 min`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
