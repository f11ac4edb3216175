/**
 * Group names a file-name pattern may capture. Metadata groups land in `call` as they are
 * (trimmed, empty → absent); date and time groups build `callTime`.
 *
 * - `caller`, `agent`, `campaign`, `interactionId`, `legId`, `ivrModule`: copied to `call`.
 * - `time`: `h_mm_ss AM`, `h:mm:ss PM`, `HH-mm`, `HHmmss`, … (separators `_ : . -` or none,
 *   optional AM/PM); or `hour` + `minute` (+ `second`) (+ `ampm`) as separate groups.
 *   Without AM/PM the hour is 0–23.
 * - `date`: `M_D_YYYY` (separators `_ - . /`) or `YYYY-MM-DD` / `YYYYMMDD`; or `year` + `month`
 *   + `day`. A date in the name wins over the day folder.
 */
export const NAME_PATTERN_GROUPS = [
  'caller',
  'agent',
  'campaign',
  'interactionId',
  'legId',
  'ivrModule',
  'date',
  'year',
  'month',
  'day',
  'time',
  'hour',
  'minute',
  'second',
  'ampm',
] as const;

export type NamePatternGroup = (typeof NAME_PATTERN_GROUPS)[number];

/** One file-name shape: data, so customers can add their own without code. */
export interface NamePattern {
  /** Reported as `call.nameShape` when this pattern matches. */
  name: string;
  /** Tested against the file's base name (extension included) and must match all of it. */
  regex: RegExp;
  /**
   * Five9 writes an empty agent (`by  @`, two spaces) on IVR-only legs, so an empty `agent`
   * group marks the leg `ivr`. Default true.
   */
  emptyAgentMeansIvr?: boolean;
}

/** Names of the built-in shapes; a custom pattern may not reuse them (reports would be ambiguous). */
export const BUILTIN_SHAPE_NAMES = ['default', 'ids', 'session'] as const;

const KNOWN_GROUPS: ReadonlySet<string> = new Set(NAME_PATTERN_GROUPS);
const NAME_PREFIX = /^([A-Za-z][\w-]{0,39})=(.*)$/s;

/**
 * Parses `FIVE9_NAME_PATTERN`: `[<name>=]<regular expression>`.
 *
 * The expression is JavaScript regex syntax with named groups from {@link NAME_PATTERN_GROUPS},
 * matched case-insensitively against the whole base file name (it is anchored for you).
 * `<name>` (letters, digits, `_`, `-`; default `custom`) becomes `call.nameShape`.
 * Example: `acme=(?<agent>[^_]+)_(?<caller>\d+)_(?<date>\d{8})_(?<time>\d{6})\.wav`
 *
 * @throws Error whose message starts with `FIVE9_NAME_PATTERN:` for an empty spec, invalid
 *   syntax, no named groups, unknown group names or an incomplete date/time group set.
 */
export function parseNamePattern(spec: string): NamePattern {
  const trimmed = spec.trim();
  if (trimmed === '') throw patternError('is empty');
  const prefixed = NAME_PREFIX.exec(trimmed);
  const name = prefixed?.[1] ?? 'custom';
  const source = prefixed?.[2] ?? trimmed;
  if ((BUILTIN_SHAPE_NAMES as readonly string[]).includes(name)) {
    throw patternError(`name "${name}" is reserved for a built-in shape`);
  }
  try {
    // Compiled alone first: wrapping an unbalanced source in (?:…) could hide its error.
    new RegExp(source, 'i');
  } catch (error) {
    throw patternError(`not a valid regular expression: ${(error as Error).message}`);
  }
  const groups = groupNamesOf(source);
  checkGroups(groups);
  return { name, regex: new RegExp(`^(?:${source})$`, 'i'), emptyAgentMeansIvr: true };
}

/** The named groups of a regex source, read from an always-matching alternative. */
function groupNamesOf(source: string): string[] {
  const probe = new RegExp(`(?:${source})|`).exec('');
  return Object.keys(probe?.groups ?? {});
}

function checkGroups(groups: string[]): void {
  if (groups.length === 0) {
    throw patternError(`has no named groups; capture at least one of ${NAME_PATTERN_GROUPS.join(', ')}`);
  }
  const unknown = groups.filter((group) => !KNOWN_GROUPS.has(group));
  if (unknown.length > 0) {
    throw patternError(
      `unknown group name${unknown.length > 1 ? 's' : ''} ${unknown.map((g) => `"${g}"`).join(', ')}; ` +
        `allowed: ${NAME_PATTERN_GROUPS.join(', ')}`,
    );
  }
  const has = (group: NamePatternGroup): boolean => groups.includes(group);
  if (has('time') && (has('hour') || has('minute') || has('second'))) {
    throw patternError('use either (?<time>…) or (?<hour>…)(?<minute>…)(?<second>…), not both');
  }
  if ((has('minute') || has('second')) && !has('hour')) {
    throw patternError('(?<minute>…) and (?<second>…) need (?<hour>…)');
  }
  if (has('hour') && !has('minute')) throw patternError('(?<hour>…) needs (?<minute>…)');
  if (has('ampm') && !has('hour') && !has('time')) {
    throw patternError('(?<ampm>…) needs (?<hour>…) or (?<time>…)');
  }
  const dateParts = (['year', 'month', 'day'] as const).filter(has);
  if (has('date') && dateParts.length > 0) {
    throw patternError('use either (?<date>…) or (?<year>…)(?<month>…)(?<day>…), not both');
  }
  if (dateParts.length > 0 && dateParts.length < 3) {
    throw patternError('(?<year>…), (?<month>…) and (?<day>…) go together');
  }
}

function patternError(problem: string): Error {
  return new Error(`FIVE9_NAME_PATTERN: ${problem}`);
}
