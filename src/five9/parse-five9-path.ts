import type { CallMetadata } from '../recording.ts';
import { BUILTIN_NAME_PATTERNS } from './builtin-name-patterns.ts';
import { findDayFolder } from './day-folder.ts';
import { matchNamePattern } from './name-match.ts';
import type { NamePattern } from './name-pattern.ts';
import { isValidTimeZone, wallTimeToUtc } from './zoned-time.ts';

export interface Five9PathOptions {
  /** IANA zone of the Five9 domain (`FIVE9_TIMEZONE`); names and folders are local to it. */
  timeZone: string;
  /** Customer patterns (`FIVE9_NAME_PATTERN`), tried before the built-in shapes. */
  patterns?: readonly NamePattern[];
}

export interface Five9PathInfo {
  /** The `call` object of the transcript; `{}` when the name matched no pattern. */
  call: CallMetadata;
  /** Why an operator should look at this file; absent when everything was understood. */
  needsAttention?: string;
}

/** The reason given for a name no pattern matches; the recording is still transcribed. */
export const NO_PATTERN_REASON = 'file name matches no Five9 pattern; add FIVE9_NAME_PATTERN';

/**
 * Reads Five9 call metadata from a recording's path. Pure: no file system, no clock.
 *
 * - The base name is tried against `options.patterns`, then the built-in `ids`, `default` and
 *   `session` shapes; the first match wins and names itself in `call.nameShape`. No match is
 *   never guessed at: `call` is `{}` and `needsAttention` is {@link NO_PATTERN_REASON}.
 * - The day is a date in the name if the pattern has one, else the nearest `M_D_YYYY` folder.
 *   Without a day, or without a time, there is no `callTime` (a file's mtime is upload time,
 *   not call time). An impossible day folder (`2_30_2026`) also omits `callTime` and says so.
 * - `callTime` is the UTC ISO instant of the local time in `options.timeZone`; DST gaps and
 *   overlaps are resolved as documented on {@link wallTimeToUtc}.
 *
 * @param relativePath path relative to the source root, `/`-separated
 * @throws RangeError for an unknown time zone (a configuration error, not a file problem)
 */
export function parseFive9Path(relativePath: string, options: Five9PathOptions): Five9PathInfo {
  if (!isValidTimeZone(options.timeZone)) {
    throw new RangeError(`unknown IANA time zone "${options.timeZone}"`);
  }
  const fileName = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const rejections: string[] = [];
  for (const pattern of [...(options.patterns ?? []), ...BUILTIN_NAME_PATTERNS]) {
    const match = matchNamePattern(pattern, fileName);
    if (match === undefined) continue;
    if (!match.matched) {
      rejections.push(match.reason);
      continue;
    }
    const { call, time } = match;
    let date = match.date;
    let needsAttention: string | undefined;
    if (date === undefined) {
      const folder = findDayFolder(relativePath);
      date = folder?.date;
      if (folder !== undefined && folder.date === undefined) {
        needsAttention = `day folder "${folder.folder}" is not a real date; callTime omitted`;
      }
    }
    if (date !== undefined && time !== undefined) {
      call.callTime = wallTimeToUtc({ ...date, ...time }, options.timeZone).toISOString();
    }
    return needsAttention === undefined ? { call } : { call, needsAttention };
  }
  const why = rejections.length > 0 ? ` (${rejections.join('; ')})` : '';
  return { call: {}, needsAttention: `${NO_PATTERN_REASON}${why}` };
}
