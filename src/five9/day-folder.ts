import { calendarDate, type CalendarDate } from './calendar-date.ts';

/** The nearest day folder: its date, or the folder name when it is not a real date. */
export type DayFolder = { date: CalendarDate; folder: string } | { date?: undefined; folder: string };

// Five9 writes month_day_year unpadded (`1_6_2026`); padded is accepted too, because a public
// pipeline that assumed one form silently missed every day below 10.
const DAY_FOLDER = /^(\d{1,2})_(\d{1,2})_(\d{4})$/;

/**
 * Finds the folder closest to the file whose name has the `M_D_YYYY` shape.
 * A shaped but impossible folder (`2_30_2026`) is returned without a date rather than skipped:
 * falling back to a folder further up would be a guess.
 *
 * @param relativePath path relative to the source root, `/`-separated, file name last
 */
export function findDayFolder(relativePath: string): DayFolder | undefined {
  const folders = relativePath.split('/').slice(0, -1);
  for (let index = folders.length - 1; index >= 0; index -= 1) {
    const folder = folders[index] ?? '';
    const match = DAY_FOLDER.exec(folder);
    if (!match) continue;
    const date = calendarDate(Number(match[3]), Number(match[1]), Number(match[2]));
    return date ? { date, folder } : { folder };
  }
  return undefined;
}
