// A number followed by one of these is a quantity, a price or a time, never a code.
const UNITS = [
  'dollars?', 'bucks', 'cents?', 'percent', '%', 'pounds?', 'euros?', 'minutes?', 'mins?', 'hours?', 'hrs?',
  'days?', 'weeks?', 'months?', 'years?', 'seconds?', 'secs?', "o'clock", String.raw`a\.m\.`, String.raw`p\.m\.`,
  String.raw`am\b`, String.raw`pm\b`, 'miles?', 'items?', 'times', 'people', 'calls?',
];
const UNIT_AFTER = new RegExp(String.raw`^[\s,]*(?:${UNITS.join('|')})`, 'i');

/** True when the text right after `end` names a unit ("125 dollars", "three PM"). */
export function followedByUnit(text: string, end: number): boolean {
  return UNIT_AFTER.test(text.slice(end, end + 20));
}
