import type { ChannelLevels } from '../audio/channel-levels.ts';
import type { Segment, Speaker } from '../recording.ts';

/** How sure attribution must be. */
export interface AttributionOptions {
  /** One channel must be this much louder (dB) over a turn to own it; default 6. */
  dominanceDb?: number;
  /** Windows quieter than this (dBFS) on the turn's own channel are not its speech; default -35. */
  activityDb?: number;
}

interface Turn {
  channel: 0 | 1;
  segment: Segment;
  /** Own channel minus the other, in dB, over the turn's active windows. */
  marginDb: number;
}

/**
 * Labels the turns of a two-channel call agent/caller by which channel is louder during each
 * turn, not merely by which channel's transcript it came from: Five9 stereo channels bleed
 * into each other, so each channel's transcript can also hold the other party's words.
 * - own channel louder by `dominanceDb`: that channel's speaker;
 * - the other channel louder: bleed — dropped when the louder channel has an overlapping turn
 *   of its own (it is the same speech heard twice), else labelled with the louder side;
 * - neither: left unlabelled rather than guessed (and an identical overlapping turn from the
 *   other channel, the same speech recorded on both, is kept once).
 * Returns all turns sorted by start.
 */
export function attributeSpeakers(
  channels: readonly [Segment[], Segment[]],
  levels: readonly [ChannelLevels, ChannelLevels],
  agentChannel: 0 | 1,
  options: AttributionOptions = {},
): Segment[] {
  const dominance = options.dominanceDb ?? 6;
  const activity = options.activityDb ?? -35;
  const speakerOf = (channel: 0 | 1): Speaker => (channel === agentChannel ? 'agent' : 'caller');
  const turns: Turn[] = ([0, 1] as const).flatMap((channel) =>
    channels[channel].map((segment) => ({ channel, segment, marginDb: marginOf(segment, levels[channel], levels[channel === 0 ? 1 : 0], activity) })),
  );
  const owns = (turn: Turn): boolean => turn.marginDb >= dominance;
  const result: Segment[] = [];
  for (const turn of turns) {
    const { segment, channel } = turn;
    const others = turns.filter((other) => other.channel !== channel && overlaps(other.segment, segment));
    const plain = { ...segment };
    delete plain.speaker;
    if (owns(turn)) {
      result.push({ ...plain, speaker: speakerOf(channel) });
    } else if (turn.marginDb <= -dominance) {
      if (others.some(owns)) continue;
      result.push({ ...plain, speaker: speakerOf(channel === 0 ? 1 : 0) });
    } else {
      const twin = others.some((other) => !owns(other) && other.channel < channel && sameWords(other.segment, segment));
      if (!twin) result.push(plain);
    }
  }
  return result.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Power of the own channel over the other's (dB) during the turn, counting the windows where
 * the own channel is active: a long turn that spans the other party's replies is judged by
 * its own speech, not diluted by the other party's.
 */
function marginOf(segment: Segment, own: ChannelLevels, other: ChannelLevels, activityDb: number): number {
  const { from, to } = own.windowsOf(segment);
  let ownActive = 0;
  let otherActive = 0;
  let ownAll = 0;
  let otherAll = 0;
  for (let i = from; i < to; i++) {
    const [a, b] = [power(own.at(i)), power(other.at(i))];
    ownAll += a;
    otherAll += b;
    if (own.at(i) >= activityDb) {
      ownActive += a;
      otherActive += b;
    }
  }
  const [mine, theirs] = ownActive > 0 ? [ownActive, otherActive] : [ownAll, otherAll];
  // a floor of -100 dBFS, so digital silence on both sides compares as equal, not as NaN
  return 10 * Math.log10((mine + 1e-10) / (theirs + 1e-10));
}

function power(db: number): number {
  return 10 ** (db / 10);
}

/** Overlapping for at least 30% of the shorter turn. */
function overlaps(a: Segment, b: Segment): boolean {
  const shared = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  const shorter = Math.min(a.end - a.start, b.end - b.start);
  return shared > 0 && shared >= 0.3 * Math.max(shorter, 0.1);
}

function sameWords(a: Segment, b: Segment): boolean {
  const key = (s: Segment): string => s.text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return key(a) === key(b);
}
