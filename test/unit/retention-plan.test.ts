import { describe, expect, it } from 'vitest';
import { planRetention, type RetentionItem } from '../../src/retention/retention-plan.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const item = (kind: RetentionItem['kind'], ageDays: number, label = `${kind}-${ageDays}`): RetentionItem => ({
  kind,
  paths: [`/d/${label}`],
  label,
  bytes: 1,
  keptAt: NOW - ageDays * DAY,
});

describe('planRetention', () => {
  const items = [item('audio', 29.99), item('audio', 30), item('audio', 400), item('transcript', 89), item('transcript', 90)];

  it('deletes each kind once it is kept its number of days, not a millisecond before', () => {
    expect(planRetention(items, NOW, { audioDays: 30, transcriptDays: 90 }).map((i) => i.label)).toEqual(['audio-30', 'audio-400', 'transcript-90']);
  });

  it('an unset kind is kept forever', () => {
    expect(planRetention(items, NOW, { audioDays: 30 }).map((i) => i.label)).toEqual(['audio-30', 'audio-400']);
    expect(planRetention(items, NOW, { transcriptDays: 90 }).map((i) => i.label)).toEqual(['transcript-90']);
    expect(planRetention(items, NOW, {})).toEqual([]);
  });

  it('a file dated in the future (clock skew) is kept', () => {
    expect(planRetention([item('audio', -5)], NOW, { audioDays: 1 })).toEqual([]);
  });
});
