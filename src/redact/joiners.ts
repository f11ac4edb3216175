// Whisper punctuates read-out digits ("4111, 1111, 1111, 1111.") and people hesitate between
// groups ("four one one one, uh, one one …"), so these count as "still the same number".
const FILLERS = String.raw`\b(?:uh|uhm|um|umm|er|erm|ah|hmm)\b`;

/**
 * What may stand between two numbers of one run, per kind of run. Each regex tests the whole
 * gap text between two tokens.
 * - `card`: spaces, `, . -` and dashes, fillers (also used for SSNs).
 * - `detail`: as `card` plus `/` and "slash" (expiry dates: `04/27`, "oh four slash twenty seven").
 * - `phone`: as `card` plus parentheses: `(555) 123-4567`.
 */
export const JOINERS = {
  card: new RegExp(String.raw`^(?:[\s,.\-\u2013\u2014]|${FILLERS})*$`, 'i'),
  detail: new RegExp(String.raw`^(?:[\s,.\-\u2013\u2014/]|${FILLERS}|\bslash\b)*$`, 'i'),
  phone: new RegExp(String.raw`^(?:[\s,.\-\u2013\u2014()]|${FILLERS})*$`, 'i'),
} as const;
