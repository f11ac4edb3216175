import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { insightsSchema, tidyInsights } from '../../src/insights/call-insights.ts';
import { insightsCostUsd } from '../../src/insights/insights-cost.ts';
import { insightFlags } from '../../src/insights/insight-flags.ts';
import { insightsPrompt } from '../../src/insights/insights-prompt.ts';
import { callFlaggedMessage } from '../../src/publish/slack/call-flagged-message.ts';
import { summaryMessage } from '../../src/publish/slack/slack-messages.ts';
import { RunTally } from '../../src/pipeline/run-tally.ts';
import type { ClaimedFile } from '../../src/recording.ts';

const answer = {
  summary: 'One. Two! Three? Four.',
  reason: ' billing ',
  outcome: 'escalated' as const,
  sentiment: { start: 'neutral' as const, end: 'negative' as const },
  actionItems: ['a', 'b', 'c', 'd', 'e', 'f', '  '],
  compliance: [{ phrase: 'this call is recorded', said: true, quote: 'This call is RECORDED, okay?' }],
};

describe('tidyInsights', () => {
  it('keeps three sentences, five action items, one compliance entry per required phrase in order', () => {
    const insights = tidyInsights(answer, ['is there anything else', 'this call is recorded'], 'Hello, this call is recorded, okay? Bye.', 'gpt-4o-mini');
    expect(insights.summary).toBe('One. Two! Three?');
    expect(insights.reason).toBe('billing');
    expect(insights.actionItems).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(insights.compliance).toEqual([
      { phrase: 'is there anything else', said: false, quote: null },
      { phrase: 'this call is recorded', said: true, quote: 'This call is RECORDED, okay?' },
    ]);
  });

  it('a quote that is not in what the agent said does not count', () => {
    expect(tidyInsights(answer, ['this call is recorded'], 'We never said it.', 'm').compliance[0]).toEqual({ phrase: 'this call is recorded', said: false, quote: null });
  });
});

describe('insightsSchema', () => {
  it('reasons and phrases become enums; other values are refused', () => {
    const schema = insightsSchema(['billing'], ['this call is recorded']);
    expect(schema.safeParse(answer).success).toBe(false); // ' billing ' is not the enum value
    expect(schema.safeParse({ ...answer, reason: 'billing', actionItems: ['a'] }).success).toBe(true);
    expect(schema.safeParse({ ...answer, reason: 'billing', actionItems: [], outcome: 'maybe' }).success).toBe(false);
    expect(insightsSchema([], []).safeParse({ ...answer, reason: 'anything', actionItems: [], compliance: [] }).success).toBe(true);
  });
});

describe('insightsPrompt', () => {
  it('sends everything that fits; trims the middle of what does not, and says so', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `[00:${String(i % 60).padStart(2, '0')}] Caller: line ${i}`);
    expect(insightsPrompt(lines, [], 100_000).trimmed).toBeUndefined();
    const { content, trimmed } = insightsPrompt(lines, ['be nice'], 600);
    expect(trimmed).toMatch(/^transcript trimmed to the model's context: \d+ of 100 lines left out in the middle$/);
    expect(content).toContain('- be nice');
    expect(content).toContain('line 0\n');
    expect(content).toContain('line 99');
    expect(content).not.toContain('line 50\n');
  });
});

describe('insightsCostUsd', () => {
  it('list prices per million tokens, the longest matching model name first', () => {
    expect(insightsCostUsd('gpt-4o-mini', { promptTokens: 1_000_000, completionTokens: 1_000_000 })).toBeCloseTo(0.75);
    expect(insightsCostUsd('gpt-4o-mini-2024-07-18', { promptTokens: 1600, completionTokens: 250 })).toBeCloseTo(0.00039);
    expect(insightsCostUsd('gpt-4o', { promptTokens: 1_000_000, completionTokens: 0 })).toBeCloseTo(2.5);
    expect(insightsCostUsd('llama-3', { promptTokens: 1, completionTokens: 1 })).toBeUndefined();
  });
});

describe('SLACK_ALERT_ON', () => {
  const insights = tidyInsights({ ...answer, reason: 'billing' }, [], '', 'm');

  it('matches an outcome by name and `negative` by the mood at the end', () => {
    expect(insightFlags(insights, ['escalated', 'negative', 'unresolved'])).toEqual(['escalated', 'negative']);
    expect(insightFlags({ ...insights, outcome: 'resolved', sentiment: { start: 'negative', end: 'positive' } }, ['escalated', 'negative'])).toEqual([]);
  });

  it('the alert names flags and the file without its numbers, never words of the call', () => {
    const message = callFlaggedMessage({
      id: '0123456789abcdef',
      fileName: '5551234567 by jdoe @ 3_24_43 PM.wav',
      source: 'sftp',
      outcome: 'escalated',
      sentiment: { start: 'neutral', end: 'I hate this, card 4111 1111 1111 1111' },
      flags: ['escalated', 'negative'],
    });
    const text = JSON.stringify(message);
    expect(text).toContain('escalated, negative');
    expect(text).toContain('[number] by jdoe');
    expect(text).toContain('neutral → other');
    expect(text).not.toMatch(/5551234567|4111|hate/);
  });

  it('needs INSIGHTS_MODEL, and takes only known words', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ OPENAI_API_KEY: 'sk-x', ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ SLACK_ALERT_ON: 'escalated' })).toEqual(['SLACK_ALERT_ON: needs INSIGHTS_MODEL (the alerts come from the insights)']);
    expect(problems({ SLACK_ALERT_ON: 'escalated,angry', INSIGHTS_MODEL: 'gpt-4o-mini' })[0]).toMatch(/^SLACK_ALERT_ON\.1: must be a comma list/);
    const config = loadConfig({ OPENAI_API_KEY: 'sk-x', INSIGHTS_MODEL: 'gpt-4o-mini', INSIGHTS_REASONS: 'billing, returns,billing', INSIGHTS_REQUIRED_PHRASES: 'Hello, this call is recorded; anything else?' });
    expect(config.insights).toEqual({ model: 'gpt-4o-mini', reasons: ['billing', 'returns'], requiredPhrases: ['Hello, this call is recorded', 'anything else?'] });
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x' }).insights).toBeUndefined();
  });
});

describe('the run summary', () => {
  it('adds up the insights tokens and estimates the cost per call; Slack shows it', () => {
    const tally = new RunTally();
    const file = { fileName: 'a.wav' } as ClaimedFile;
    tally.add({ kind: 'done', file, id: 'a', audioSeconds: 300, billedSeconds: 300, insights: { model: 'gpt-4o-mini', promptTokens: 1600, completionTokens: 250 } });
    tally.add({ kind: 'done', file, id: 'b', audioSeconds: 300, billedSeconds: 300, insights: { model: 'gpt-4o-mini', promptTokens: 1400, completionTokens: 150 } });
    tally.add({ kind: 'done', file, id: 'c', audioSeconds: 60, billedSeconds: 60 });
    const summary = tally.summary('run');
    expect(summary.insights).toMatchObject({ calls: 2, promptTokens: 3000, completionTokens: 400 });
    expect(summary.insights?.costPerCallUsd).toBeCloseTo((3000 * 0.15 + 400 * 0.6) / 1e6 / 2, 10);
    expect(JSON.stringify(summaryMessage(summary))).toMatch(/Insights: 2 calls, 3000 \+ 400 tokens, about \$0\.0003[45] per call at list price/);
    tally.add({ kind: 'done', file, id: 'd', audioSeconds: 60, billedSeconds: 60, insights: { model: 'llama-3', promptTokens: 10, completionTokens: 10 } });
    expect(tally.summary('run').insights?.costPerCallUsd).toBeUndefined();
    expect(new RunTally().summary('run').insights).toBeUndefined();
  });
});
