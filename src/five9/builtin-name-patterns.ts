import type { NamePattern } from './name-pattern.ts';

// Grammar observed over ~5,400 real names (reference §1.5):
//   <ids/phone/campaign part> " by " <agent> " @ " <h>_<mm>_<ss> " " AM|PM [ "_" <IVR module> ] ".wav"
// Hour 1–12 unpadded (a padded hour is tolerated); minutes and seconds padded.
const TIME = String.raw`(?<hour>0?[1-9]|1[0-2])_(?<minute>[0-5]\d)_(?<second>[0-5]\d) (?<ampm>[AP]M)`;

// The agent is a Five9 user name (e-mail or login, never spaces) and is empty on IVR legs,
// which is why "by  @" has two spaces. `\S*` also keeps a " by " inside a campaign name apart.
const TAIL = String.raw` by (?<agent>\S*) @ ${TIME}(?:_(?<ivrModule>[^/]+?))?\.wav`;

// `Anonymous`, 10-digit NANP or international strings (17 digits seen): never assume 10.
const CALLER = String.raw`(?<caller>Anonymous|\+?\d{2,20})`;

// Glued to the caller digits with no separator, may contain spaces and hyphens. It may not start
// with a digit (where the phone ends would be a guess) nor a hyphen (that is the ids shape).
const CAMPAIGN = String.raw`(?: *(?<campaign>[^\d\s+\-][^/]*?))?`;

/**
 * The three shapes seen in the wild, tried in this order after any customer patterns.
 * - `ids`: `<legId>-<interactionId>-<caller> by <agent> @ h_mm_ss AM[_<IVR module>].wav`
 * - `default`: `<caller><Campaign> by <agent> @ h_mm_ss PM[_<IVR module>].wav`
 * - `session`: `<session id>.wav` (campaign option `recordingNameAsSid`): 32 hex digits, a UUID
 *   or a 15–20 digit number, reported as `interactionId` because it names the whole interaction.
 */
export const BUILTIN_NAME_PATTERNS: readonly NamePattern[] = [
  {
    name: 'ids',
    regex: new RegExp(String.raw`^(?<legId>\d{6,20})-(?<interactionId>\d{6,20})-${CALLER}${CAMPAIGN}${TAIL}$`, 'i'),
    emptyAgentMeansIvr: true,
  },
  {
    name: 'default',
    regex: new RegExp(String.raw`^${CALLER}${CAMPAIGN}${TAIL}$`, 'i'),
    emptyAgentMeansIvr: true,
  },
  {
    name: 'session',
    regex: /^(?<interactionId>[0-9a-f]{32}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|\d{15,20})\.wav$/i,
    emptyAgentMeansIvr: true,
  },
];
