import { wallTimeToUtc } from '../five9/zoned-time.ts';

/**
 * The next instant after `nowMs` at which clocks in `timeZone` show `at` (`HH:MM`). Computed
 * from the calendar, not by adding 24 hours, so it stays at 08:00 local across DST changes
 * (a 23- or 25-hour day); a time inside a spring-forward gap runs right after the gap.
 */
export function nextDailyRun(nowMs: number, at: string, timeZone: string): number {
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(nowMs);
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  for (let offset = 0; offset <= 2; offset++) {
    // Date.UTC normalises day 32 into the next month, so this walks the calendar
    const date = new Date(Date.UTC(year, month - 1, day + offset));
    const instant = wallTimeToUtc(
      { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute, second: 0 },
      timeZone,
    ).getTime();
    if (instant > nowMs) return instant;
  }
  throw new Error(`no next run for ${at} in ${timeZone}`);
}

/** Calls `run` every day at `at` local time in `timeZone` until `stop()`. Re-plans after each run. */
export function scheduleDaily(at: string, timeZone: string, run: () => void): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const plan = () => {
    const now = Date.now();
    timer = setTimeout(() => {
      run();
      plan();
    }, nextDailyRun(now, at, timeZone) - now);
    timer.unref();
  };
  plan();
  return { stop: () => clearTimeout(timer) };
}
