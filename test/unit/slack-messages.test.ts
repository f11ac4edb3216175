import { describe, expect, it } from 'vitest';
import { checkSlackMessage } from '../../src/emulators/slack-message-rules.ts';
import type { RunSummary } from '../../src/publish/notifier.ts';
import { scrubNumbers } from '../../src/publish/slack/scrub-numbers.ts';
import type { SlackMessage } from '../../src/publish/slack/slack-message.ts';
import {
  failureMessage,
  formatDuration,
  sourceDownMessage,
  sourceRecoveredMessage,
  summaryMessage,
} from '../../src/publish/slack/slack-messages.ts';

const five9Name = '5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav';

function allText(message: SlackMessage): string {
  return JSON.stringify(message);
}

function expectWithinLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  expect(message.text.length).toBeLessThanOrEqual(40_000);
  for (const block of message.blocks) {
    if (block.type === 'section') {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    }
  }
  // The emulator's rules are Slack's: the message must pass them as the SDK would send it.
  expect(checkSlackMessage({ text: message.text, blocks: JSON.stringify(message.blocks) })).toMatchObject({ ok: true });
}

describe('scrubNumbers', () => {
  it('removes every number of 7+ digits, however it is written', () => {
    expect(scrubNumbers(five9Name)).toBe('[number]Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav');
    expect(scrubNumbers('300000001234567-300000007654321-5551234567 by jdoe')).toBe('[number] by jdoe');
    expect(scrubNumbers('card 4111 1111 1111 1111 or 4111-1111-1111-1111')).toBe('card [number] or [number]');
    expect(scrubNumbers('call (555) 123-4567 or +1 555.123.4567')).toBe('call [number] or [number]');
  });

  it('keeps short numbers, Five9 times and dates, and ISO dates', () => {
    const text = 'HTTP 503 after 3 attempts, 2_3_2026/9_05_12 AM, at 2026-08-21T10:00:00Z, 123456 bytes';
    expect(scrubNumbers(text)).toBe(text);
  });
});

describe('failure alert', () => {
  const alert = {
    id: 'a1b2c3d4e5f60718',
    fileName: five9Name,
    source: 'sftp' as const,
    stage: 'transcribe',
    reason: 'caller said card 4111111111111111 and then <b>boom</b> & more',
    attempts: 5,
  };

  it('names file, source, stage, attempts and id, with every long number scrubbed', () => {
    const message = failureMessage(alert);
    const text = allText(message);
    for (const expected of ['Outbound - Renewals', 'sftp', 'transcribe', '*Attempts*\\n5', 'a1b2c3d4e5f60718']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(/\d{7,}/);
    expect(text).toContain('&lt;b&gt;boom&lt;/b&gt; &amp; more');
    expectWithinLimits(message);
  });

  it('cuts a huge reason to fit one section', () => {
    const message = failureMessage({ ...alert, reason: '🙂 word '.repeat(5000) });
    expectWithinLimits(message);
  });
});

describe('summary', () => {
  const failures = Array.from({ length: 200 }, (_, i) => ({
    fileName: `${5550000000 + i}Sales - Inbound by agent${i}@example.com @ 10_15_32 AM.wav`,
    stage: 'transcribe',
    reason: `HTTP 400 invalid audio for call from +1 555 010 ${String(1000 + i)} ${'x'.repeat(200)}`,
  }));
  const summary: RunSummary = {
    kind: 'run',
    startedAt: '2026-08-21T10:00:00.000Z',
    endedAt: '2026-08-21T10:30:00.000Z',
    succeeded: 1200,
    failed: 200,
    duplicates: 4,
    audioSeconds: 45_126,
    failures,
  };

  it('stays within Slack limits with 200 failures and says how many are not listed', () => {
    const message = summaryMessage(summary);
    expectWithinLimits(message);
    const text = allText(message);
    expect(text).toContain('*Succeeded*\\n1200');
    expect(text).toContain('*Failed*\\n200');
    expect(text).toContain('752.1');
    expect(text).toContain('(25 of 200)');
    expect(text).toContain('…and 175 more');
    expect(text).not.toMatch(/\d{7,}/);
    expect(message.text).toBe(':warning: Run summary: 1200 succeeded, 200 failed, 4 duplicates, 752.1 audio minutes');
  });

  it('has no failure section when nothing failed', () => {
    const message = summaryMessage({ ...summary, kind: 'periodic', failed: 0, failures: [] });
    expect(allText(message)).not.toContain('Failures');
    expect(message.text).toContain('Periodic summary');
    expectWithinLimits(message);
  });
});

describe('source alerts', () => {
  it('reports down with the last error and recovery with the outage length', () => {
    const down = sourceDownMessage('sftp', 'connect ECONNREFUSED 10.0.0.5:22 for user 5551234567', 5);
    expect(allText(down)).toContain('failed 5 times in a row');
    expect(allText(down)).not.toMatch(/\d{7,}/);
    expectWithinLimits(down);
    const recovered = sourceRecoveredMessage('sftp', 754_000);
    expect(recovered.text).toBe(':white_check_mark: Source sftp recovered after 13 min');
    expectWithinLimits(recovered);
  });

  it('formats durations', () => {
    expect([formatDuration(45_000), formatDuration(3_600_000), formatDuration(11_100_000)]).toEqual(['45 s', '1 h', '3 h 5 min']);
  });
});
