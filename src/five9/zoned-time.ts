/** A wall-clock reading in some time zone; month 1–12, hour 0–23. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;

/** True when Intl (full ICU in Node 20) knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant at which clocks in `timeZone` show `wall`.
 *
 * DST edges are resolved like Temporal's `disambiguation: 'compatible'` (and java.time):
 * - a time that never happened (spring-forward gap, e.g. 02:30 on 2026-03-08 in New York) is
 *   read with the offset in force before the gap, i.e. moved forward by the gap: 03:30 EDT;
 * - a time that happened twice (fall-back overlap, e.g. 01:30 on 2026-11-01) is the earlier
 *   instant, the one still on daylight time: 01:30 EDT.
 *
 * Hand-written rather than `temporal-polyfill`: Node 20 has no Temporal, and a runtime dependency
 * for these few lines of Intl arithmetic (which the polyfill does the same way) buys nothing the
 * DST table in five9-names.test.ts does not already prove. With a native Temporal this becomes
 * `Temporal.PlainDateTime.from(wall).toZonedDateTime(timeZone, { disambiguation: 'compatible' })`.
 *
 * @throws RangeError for an unknown time zone.
 */
export function wallTimeToUtc(wall: WallTime, timeZone: string): Date {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown IANA time zone "${timeZone}"`);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const local = utcMs(wall);
  // Offsets a day either side bracket any transition near this wall time.
  const before = offsetAt(format, local - DAY_MS);
  const after = offsetAt(format, local + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((instant) => instant + offsetAt(format, instant) === local)
    .sort((a, b) => a - b);
  return new Date(candidates[0] ?? local - before);
}

/** Wall time minus UTC, in milliseconds, at `instant`. */
function offsetAt(format: Intl.DateTimeFormat, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = utcMs({
    year: parts['year'] ?? 1970,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  });
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

function utcMs(wall: WallTime): number {
  // setUTCFullYear, because Date.UTC maps years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}
