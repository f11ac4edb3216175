import { normalizeAudio } from '../audio/audio-normalizer.ts';
import { probeAudio } from '../audio/audio-probe.ts';
import { readSilences } from '../audio/read-silences.ts';
import { PAUSE_SECONDS, planTrack, requestFileName, type PlanSettings } from './track-plan.ts';

/** One request the pipeline will send for a recording. */
export interface PlannedUpload {
  channel: number;
  fileName: string;
  durationSeconds: number;
}

/**
 * The requests a recording will cost, without sending any: normalizes it into `workDir` (as
 * the pipeline does) and plans each track. For the demo, which scripts the emulator per
 * request, and for estimating what silence cutting saves.
 */
export async function plannedUploads(sourcePath: string, workDir: string, settings: PlanSettings & { silenceNoiseDb: number }): Promise<PlannedUpload[]> {
  const info = await probeAudio(sourcePath);
  const silence = { noiseDb: settings.silenceNoiseDb, minSeconds: Math.min(PAUSE_SECONDS, settings.silenceMinSeconds) };
  const tracks = await normalizeAudio(sourcePath, info, workDir, { analysis: { silence } });
  const uploads: PlannedUpload[] = [];
  for (const track of tracks) {
    const silences = track.silencesPath === undefined ? [] : await readSilences(track.silencesPath, track.durationSeconds);
    const plan = planTrack(track, silences, settings);
    plan.chunks.forEach((chunk, n) => {
      uploads.push({ channel: track.channel, fileName: requestFileName(track.channel, n, plan), durationSeconds: chunk.end - chunk.start });
    });
  }
  return uploads;
}
