import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { NormalizedTrack } from '../recording.ts';
import { ChannelLevels } from './channel-levels.ts';
import { analyzeTrack } from './track-analysis.ts';

/** Loudness windows for speaker attribution: 100 ms follows turn-taking without drowning in numbers. */
export const LEVEL_WINDOW_SECONDS = 0.1;

/**
 * The per-window loudness of both channels of a stereo call: read from the normalize run's
 * measurements, or measured now (one ffmpeg run per channel) for tracks normalized before
 * they were taken.
 */
export async function callLevels(tracks: readonly NormalizedTrack[], signal?: AbortSignal): Promise<[ChannelLevels, ChannelLevels] | undefined> {
  const [left, right] = [...tracks].sort((a, b) => a.channel - b.channel);
  if (!left || !right || tracks.length !== 2) return undefined;
  return [await levelsOf(left, signal), await levelsOf(right, signal)];
}

async function levelsOf(track: NormalizedTrack, signal?: AbortSignal): Promise<ChannelLevels> {
  let path = track.levelsPath;
  if (path === undefined || !(await access(path).then(() => true, () => false))) {
    path = join(dirname(track.path), `ch${track.channel}.levels.txt`);
    await analyzeTrack(track.path, track.sampleRate, { levels: { windowSeconds: LEVEL_WINDOW_SECONDS } }, { levels: path }, { signal });
  }
  return ChannelLevels.read(path, LEVEL_WINDOW_SECONDS);
}
