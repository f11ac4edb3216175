import type { CallMetadata } from '../recording.ts';
import { calendarDate, parseCalendarDate, type CalendarDate } from './calendar-date.ts';
import type { NamePattern } from './name-pattern.ts';

/** Time of day, 24-hour. */
export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

/** What one pattern read from a file name; `call` has everything but `callTime`. */
export type NameMatch =
  | { matched: true; call: CallMetadata; date?: CalendarDate; time?: TimeOfDay }
  | { matched: false; reason: string };

const TIME_VALUE = /^(\d{1,2})[_:.-]?(\d{2})(?:[_:.-]?(\d{2}))?(?:[ _]?([AP]M))?$/i;
const COPIED_FIELDS = ['caller', 'agent', 'campaign', 'interactionId', 'legId', 'ivrModule'] as const;

/**
 * Applies one pattern to a base file name. Undefined when the regex does not match; a
 * `matched: false` result when it matches but a date or time in it is impossible, so the
 * caller can say why instead of guessing.
 */
export function matchNamePattern(pattern: NamePattern, fileName: string): NameMatch | undefined {
  const groups = pattern.regex.exec(fileName)?.groups;
  if (!groups) return undefined;
  const value = (name: string): string | undefined => {
    const text = groups[name]?.trim();
    return text === undefined || text === '' ? undefined : text;
  };

  const call: CallMetadata = { nameShape: pattern.name };
  for (const field of COPIED_FIELDS) {
    const text = value(field);
    if (text !== undefined) call[field] = text;
  }
  const emptyAgent = groups['agent'] !== undefined && call.agent === undefined;
  if (call.ivrModule !== undefined || (emptyAgent && pattern.emptyAgentMeansIvr !== false)) {
    call.leg = 'ivr';
  } else if (call.agent !== undefined) {
    call.leg = 'agent';
  }

  const time = readTime(value);
  if (time === 'invalid') {
    return { matched: false, reason: `pattern "${pattern.name}" matched but its time is not a valid time of day` };
  }
  const date = readDate(value);
  if (date === 'invalid') {
    return { matched: false, reason: `pattern "${pattern.name}" matched but its date is not a real date` };
  }
  return {
    matched: true,
    call,
    ...(date === undefined ? {} : { date }),
    ...(time === undefined ? {} : { time }),
  };
}

type Lookup = (name: string) => string | undefined;

function readTime(value: Lookup): TimeOfDay | 'invalid' | undefined {
  let hour: string | undefined;
  let minute: string | undefined;
  let second: string | undefined;
  let ampm = value('ampm');
  const time = value('time');
  if (time !== undefined) {
    const parts = TIME_VALUE.exec(time);
    if (!parts) return 'invalid';
    [, hour, minute, second] = parts;
    ampm = parts[4] ?? ampm;
  } else {
    hour = value('hour');
    minute = value('minute');
    second = value('second');
    if (hour === undefined && minute === undefined) return undefined;
  }
  if (![hour, minute, second ?? '0'].every((part) => part !== undefined && /^\d{1,2}$/.test(part))) {
    return 'invalid';
  }
  return toTimeOfDay(Number(hour), Number(minute), Number(second ?? 0), ampm);
}

function toTimeOfDay(hour: number, minute: number, second: number, ampm: string | undefined): TimeOfDay | 'invalid' {
  if (minute > 59 || second > 59) return 'invalid';
  if (ampm === undefined) return hour > 23 ? 'invalid' : { hour, minute, second };
  const meridiem = ampm.toUpperCase();
  if ((meridiem !== 'AM' && meridiem !== 'PM') || hour < 1 || hour > 12) return 'invalid';
  // 12 AM is midnight and 12 PM is noon: the 12 wraps to 0 before the PM shift.
  return { hour: (hour % 12) + (meridiem === 'PM' ? 12 : 0), minute, second };
}

function readDate(value: Lookup): CalendarDate | 'invalid' | undefined {
  const date = value('date');
  if (date !== undefined) return parseCalendarDate(date) ?? 'invalid';
  const year = value('year');
  const month = value('month');
  const day = value('day');
  if (year === undefined && month === undefined && day === undefined) return undefined;
  // A two-digit year can only mean this century for recordings.
  const fullYear = year !== undefined && /^\d{2}$/.test(year) ? 2000 + Number(year) : Number(year);
  return calendarDate(fullYear, Number(month), Number(day)) ?? 'invalid';
}
