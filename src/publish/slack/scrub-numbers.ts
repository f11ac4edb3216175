/**
 * Digit groups joined by at most two of these characters count as one number, so that
 * `(555) 123-4567`, `+1 555 123 4567` and `4111 1111 1111 1111` are caught as well as
 * `5551234567`. Underscores are not joiners: Five9 times (`3_24_43 PM`) and date folders
 * (`2_3_2026`) stay readable.
 */
const numberLike = /\+?\(?\d(?:[ .()-]{0,2}\d)*/g;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** What replaces a number in alerts. */
export const scrubbedNumber = '[number]';

/**
 * Replaces every number of 7 or more digits with `[number]`. Five9 file names start with the
 * caller's phone number and error texts can quote card numbers; neither may reach Slack.
 * ISO dates (`2026-08-21`) are kept: they are 8 digits but never personal data.
 */
export function scrubNumbers(text: string): string {
  return text.replace(numberLike, (match) => {
    if (isoDate.test(match)) return match;
    const digits = match.replace(/\D/g, '').length;
    return digits >= 7 ? scrubbedNumber : match;
  });
}
