import type { ChannelLevels } from '../audio/channel-levels.ts';
import type { Span } from '../audio/span.ts';

/** A silence longer than this is reported as a hold (the caller parked, the agent looking something up). */
export const HOLD_SECONDS = 10;
/** Pauses shorter than this inside one side's speech are breaths between words, not silence. */
const BRIDGE_SECONDS = 0.3;
/** One side's turn goes on across pauses up to this long while the other side stays quiet. */
const MONOLOGUE_PAUSE_SECONDS = 2;
/** Starting while the other side talks counts as an interruption when both go on together this long (not a quick hand-over). */
const INTERRUPT_SECONDS = 0.5;
/** A channel this far below the other only hears the other side's bleed. */
const BLEED_DB = 20;

/**
 * How long each side talked, measured from the audio (no model). Seconds, rounded to 0.1 s.
 * `kind: 'stereo'` when agent and caller were on known channels; `mono` knows speech and silence only.
 */
export interface TalkMetrics {
  kind: 'stereo' | 'mono';
  durationSeconds: number;
  /** Someone speaks (either side). */
  speechSeconds: number;
  /** Nobody speaks. */
  silenceSeconds: number;
  agentSeconds?: number;
  callerSeconds?: number;
  /** Both sides at once (cross-talk). */
  overlapSeconds?: number;
  /** The longest stretch the agent spoke while the caller stayed quiet (pauses under 2 s bridged). */
  longestAgentMonologueSeconds?: number;
  /** Times the agent started speaking while the caller was speaking, both going on for at least 0.5 s. */
  agentInterruptions?: number;
  /** Times the caller started speaking while the agent was speaking. */
  callerInterruptions?: number;
  /** Silences longer than 10 s, in order. */
  holds: Span[];
}

/**
 * Talk metrics of a stereo call from each channel's loudness per window (the normalize run's
 * `astats` measurements): a window is speech when louder than `activityDb` and not mere bleed
 * of the other channel; breaths shorter than 0.3 s are bridged.
 */
export function stereoTalk(
  levels: readonly [ChannelLevels, ChannelLevels],
  agentIndex: 0 | 1,
  options: { activityDb: number; durationSeconds: number },
): TalkMetrics {
  const window = levels[0].windowSeconds;
  const count = Math.max(0, Math.round(options.durationSeconds / window));
  const active = (own: ChannelLevels, other: ChannelLevels): boolean[] =>
    bridge(
      Array.from({ length: count }, (_, i) => own.at(i) > options.activityDb && own.at(i) > other.at(i) - BLEED_DB),
      Math.round(BRIDGE_SECONDS / window),
    );
  const agentLevels = levels[agentIndex];
  const callerLevels = levels[agentIndex === 0 ? 1 : 0];
  const agent = active(agentLevels, callerLevels);
  const caller = active(callerLevels, agentLevels);
  let agentN = 0;
  let callerN = 0;
  let both = 0;
  let neither = 0;
  let agentInterruptions = 0;
  let callerInterruptions = 0;
  const interruptWindows = Math.round(INTERRUPT_SECONDS / window);
  for (let i = 0; i < count; i += 1) {
    if (agent[i]) agentN += 1;
    if (caller[i]) callerN += 1;
    if (agent[i] && caller[i]) both += 1;
    if (!agent[i] && !caller[i]) neither += 1;
    if (cutsIn(agent, caller, i, interruptWindows)) agentInterruptions += 1;
    if (cutsIn(caller, agent, i, interruptWindows)) callerInterruptions += 1;
  }
  const silence = runs(Array.from({ length: count }, (_, i) => !agent[i] && !caller[i]), window);
  return {
    kind: 'stereo',
    durationSeconds: round(options.durationSeconds),
    speechSeconds: round((count - neither) * window),
    silenceSeconds: round(neither * window),
    agentSeconds: round(agentN * window),
    callerSeconds: round(callerN * window),
    overlapSeconds: round(both * window),
    longestAgentMonologueSeconds: round(longestMonologue(agent, caller, Math.round(MONOLOGUE_PAUSE_SECONDS / window)) * window),
    agentInterruptions,
    callerInterruptions,
    holds: holdsOf(silence),
  };
}

/**
 * Talk metrics of a call whose sides are not told apart: silence is what every track's
 * `silencedetect` found silent at once; everything else is speech.
 */
export function monoTalk(silencesPerTrack: readonly Span[][], durationSeconds: number): TalkMetrics {
  const silence = silencesPerTrack.length === 0 ? [] : silencesPerTrack.reduce((common, spans) => intersect(common, spans));
  const silent = silence.reduce((sum, span) => sum + (span.end - span.start), 0);
  return {
    kind: 'mono',
    durationSeconds: round(durationSeconds),
    speechSeconds: round(Math.max(0, durationSeconds - silent)),
    silenceSeconds: round(silent),
    holds: holdsOf(silence),
  };
}

function holdsOf(silence: readonly Span[]): Span[] {
  return silence.filter((s) => s.end - s.start > HOLD_SECONDS).map((s) => ({ start: round(s.start), end: round(s.end) }));
}

/** `speaker` starts at window `i` while `other` is talking, and both keep talking for `windows` windows. */
function cutsIn(speaker: boolean[], other: boolean[], i: number, windows: number): boolean {
  if (i === 0 || !speaker[i] || speaker[i - 1] || !other[i - 1]) return false;
  for (let k = i; k < i + windows; k += 1) if (!speaker[k] || !other[k]) return false;
  return true;
}

/** Fills gaps of at most `windows` false values between true values. */
function bridge(activity: boolean[], windows: number): boolean[] {
  const out = [...activity];
  let lastTrue = -1;
  for (let i = 0; i < activity.length; i += 1) {
    if (!activity[i]) continue;
    if (lastTrue >= 0 && i - lastTrue - 1 <= windows) out.fill(true, lastTrue + 1, i);
    lastTrue = i;
  }
  return out;
}

/** Longest stretch, in windows, from an agent window to a later one with no caller speech and no pause over `pause` windows between. */
function longestMonologue(agent: boolean[], caller: boolean[], pause: number): number {
  let best = 0;
  let start = -1;
  let lastAgent = -1;
  for (let i = 0; i < agent.length; i += 1) {
    if (caller[i] || (start >= 0 && i - lastAgent > pause)) {
      if (start >= 0) best = Math.max(best, lastAgent - start + 1);
      start = -1;
    }
    if (agent[i] && !caller[i]) {
      if (start < 0) start = i;
      lastAgent = i;
    }
  }
  if (start >= 0) best = Math.max(best, lastAgent - start + 1);
  return best;
}

function runs(flags: boolean[], window: number): Span[] {
  const spans: Span[] = [];
  let start = -1;
  for (let i = 0; i <= flags.length; i += 1) {
    if (i < flags.length && flags[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      spans.push({ start: start * window, end: i * window });
      start = -1;
    }
  }
  return spans;
}

function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end > start) out.push({ start, end });
    }
  }
  return out.sort((p, q) => p.start - q.start);
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
