import type { ChannelLevels } from '../audio/channel-levels.ts';
import { readSilences } from '../audio/read-silences.ts';
import type { AudioInfo, NormalizedTrack } from '../recording.ts';
import { monoTalk, stereoTalk, type TalkMetrics } from './talk-metrics.ts';

/**
 * The talk metrics of one recording from what the normalize run measured: each channel's
 * loudness when a stereo call's agent side is known, else the silences of every track.
 * Undefined when neither was measured (tracks normalized by an older version).
 */
export async function measureTalk(
  audio: { info: AudioInfo; tracks: readonly NormalizedTrack[] },
  options: { agentChannel: 'none' | 'left' | 'right'; activityDb: number; levels?: readonly [ChannelLevels, ChannelLevels] },
): Promise<TalkMetrics | undefined> {
  const durationSeconds = audio.info.durationSeconds;
  if (options.levels && options.agentChannel !== 'none') {
    return stereoTalk(options.levels, options.agentChannel === 'right' ? 1 : 0, { activityDb: options.activityDb, durationSeconds });
  }
  const silences = [];
  for (const track of audio.tracks) {
    if (track.silencesPath === undefined) return undefined;
    silences.push(await readSilences(track.silencesPath, durationSeconds));
  }
  return monoTalk(silences, durationSeconds);
}
