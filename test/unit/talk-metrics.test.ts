import { describe, expect, it } from 'vitest';
import { ChannelLevels } from '../../src/audio/channel-levels.ts';
import { monoTalk, stereoTalk } from '../../src/insights/talk-metrics.ts';

const WINDOW = 0.1;
/** Loudness per 100 ms window: -20 dBFS inside the spans, digital silence elsewhere, `bleed` dB under the other side when given. */
function channel(seconds: number, spans: Array<[number, number]>, level = -20): ChannelLevels {
  const db = new Float32Array(Math.round(seconds / WINDOW)).fill(-120);
  for (const [start, end] of spans) for (let i = Math.round(start / WINDOW); i < Math.round(end / WINDOW); i += 1) db[i] = level;
  return new ChannelLevels(WINDOW, db);
}

describe('stereoTalk', () => {
  it('counts each side, cross-talk, silence, holds, the longest monologue and who cut in', () => {
    const agent = channel(40, [[1, 6], [9, 12], [30, 38]]);
    const caller = channel(40, [[6.5, 10], [25, 30]]);
    expect(stereoTalk([agent, caller], 0, { activityDb: -35, durationSeconds: 40 })).toEqual({
      kind: 'stereo',
      durationSeconds: 40,
      speechSeconds: 23.5,
      silenceSeconds: 16.5,
      agentSeconds: 16,
      callerSeconds: 8.5,
      overlapSeconds: 1,
      longestAgentMonologueSeconds: 8,
      agentInterruptions: 1,
      callerInterruptions: 0,
      holds: [{ start: 12, end: 25 }],
    });
  });

  it('the agent on the right channel swaps the sides', () => {
    const left = channel(10, [[0, 2]]);
    const right = channel(10, [[3, 8]]);
    expect(stereoTalk([left, right], 1, { activityDb: -35, durationSeconds: 10 })).toMatchObject({ agentSeconds: 5, callerSeconds: 2 });
  });

  it('bleed 20 dB under the other channel is not the other side talking, and breaths under 0.3 s are bridged', () => {
    const agent = channel(10, [[1, 3], [3.2, 5]]);
    const bleed = channel(10, [[1, 3], [3.2, 5]], -45);
    const result = stereoTalk([agent, bleed], 0, { activityDb: -50, durationSeconds: 10 });
    expect(result).toMatchObject({ agentSeconds: 4, callerSeconds: 0, overlapSeconds: 0, longestAgentMonologueSeconds: 4, holds: [] });
  });

  it('a pause of 2 s or more ends a monologue; a quick hand-over is no interruption', () => {
    const agent = channel(20, [[0, 4], [6.5, 9], [12, 14]]);
    const caller = channel(20, [[9, 12]]);
    const result = stereoTalk([agent, caller], 0, { activityDb: -35, durationSeconds: 20 });
    expect(result).toMatchObject({ longestAgentMonologueSeconds: 4, agentInterruptions: 0, callerInterruptions: 0 });
  });
});

describe('monoTalk', () => {
  it('silence is what every track found silent at once; long silences are holds', () => {
    const result = monoTalk(
      [
        [{ start: 0, end: 2 }, { start: 10, end: 25 }],
        [{ start: 0, end: 1 }, { start: 12, end: 30 }],
      ],
      30,
    );
    expect(result).toEqual({ kind: 'mono', durationSeconds: 30, speechSeconds: 16, silenceSeconds: 14, holds: [{ start: 12, end: 25 }] });
  });

  it('no silence found: all speech', () => {
    expect(monoTalk([[]], 12.34)).toEqual({ kind: 'mono', durationSeconds: 12.3, speechSeconds: 12.3, silenceSeconds: 0, holds: [] });
  });
});
