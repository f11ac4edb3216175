import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextDailyRun, scheduleDaily } from '../../src/pipeline/daily-schedule.ts';

const NY = 'America/New_York';
const iso = (ms: number) => new Date(ms).toISOString();

describe('SUMMARY_AT scheduling', () => {
  afterEach(() => vi.useRealTimers());

  it('nextDailyRun: later today, else tomorrow, in the zone\'s local time', () => {
    expect(iso(nextDailyRun(Date.parse('2026-06-10T11:59:00Z'), '08:00', NY))).toBe('2026-06-10T12:00:00.000Z');
    expect(iso(nextDailyRun(Date.parse('2026-06-10T12:00:00Z'), '08:00', NY))).toBe('2026-06-11T12:00:00.000Z');
    // 23:30 UTC is still the 10th in New York, 00:15 local on the 11th in Tokyo
    expect(iso(nextDailyRun(Date.parse('2026-06-10T23:30:00Z'), '08:00', NY))).toBe('2026-06-11T12:00:00.000Z');
    expect(iso(nextDailyRun(Date.parse('2026-06-10T15:15:00Z'), '08:00', 'Asia/Tokyo'))).toBe('2026-06-10T23:00:00.000Z');
    expect(iso(nextDailyRun(Date.parse('2026-12-31T20:00:00Z'), '00:00', 'UTC'))).toBe('2027-01-01T00:00:00.000Z');
  });

  it('runs at 08:00 local every day across both DST changes (fake timers)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-03-06T12:30:00Z')); // 07:30 EST
    const runs: string[] = [];
    const schedule = scheduleDaily('08:00', NY, () => runs.push(iso(Date.now())));
    vi.advanceTimersByTime(4 * 86_400_000);
    expect(runs).toEqual([
      '2026-03-06T13:00:00.000Z', // 08:00 EST
      '2026-03-07T13:00:00.000Z',
      '2026-03-08T12:00:00.000Z', // the 23-hour day: 08:00 EDT
      '2026-03-09T12:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
    ]);
    vi.setSystemTime(Date.parse('2026-10-31T00:00:00Z'));
    schedule.stop();
    runs.length = 0;
    const autumn = scheduleDaily('08:00', NY, () => runs.push(iso(Date.now())));
    vi.advanceTimersByTime(3 * 86_400_000);
    autumn.stop();
    expect(runs).toEqual(['2026-10-31T12:00:00.000Z', '2026-11-01T13:00:00.000Z', '2026-11-02T13:00:00.000Z']);
    vi.advanceTimersByTime(2 * 86_400_000);
    expect(runs).toHaveLength(3);
  });

  it('a time inside the spring-forward gap runs right after it, once', () => {
    expect(iso(nextDailyRun(Date.parse('2026-03-08T05:00:00Z'), '02:30', NY))).toBe('2026-03-08T07:30:00.000Z');
    // the repeated hour in autumn: the first 01:30, not both
    expect(iso(nextDailyRun(Date.parse('2026-11-01T04:00:00Z'), '01:30', NY))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(nextDailyRun(Date.parse('2026-11-01T05:30:00Z'), '01:30', NY))).toBe('2026-11-02T06:30:00.000Z');
  });
});
