/** A day on the calendar; month 1–12. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const MONTH_DAY_YEAR = /^(\d{1,2})[_\-./](\d{1,2})[_\-./](\d{4})$/;
const YEAR_MONTH_DAY = /^(\d{4})-?(\d{2})-?(\d{2})$/;

/**
 * Reads a date written the way Five9 day folders (`M_D_YYYY`, padded or not, separators
 * `_ - . /`) or ISO-minded customers (`YYYY-MM-DD`, `YYYYMMDD`) write it.
 * Returns undefined for anything else, including days that do not exist (`2_30_2026`).
 */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  const mdy = MONTH_DAY_YEAR.exec(text);
  if (mdy) return calendarDate(Number(mdy[3]), Number(mdy[1]), Number(mdy[2]));
  const ymd = YEAR_MONTH_DAY.exec(text);
  if (ymd) return calendarDate(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
  return undefined;
}

/** The date when it exists on the proleptic Gregorian calendar (years 1000–9999), else undefined. */
export function calendarDate(year: number, month: number, day: number): CalendarDate | undefined {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) return undefined;
  if (!Number.isInteger(month) || month < 1 || month > 12) return undefined;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
