import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PermanentError } from '../errors.ts';
import { lastLines, mediaToolPath, runMediaProcess } from './ffmpeg-process.ts';

/** A copy people can play in a browser (Notion): FLAC and Five9's GSM WAV are not playable there. */
export interface PlaybackAudio {
  path: string;
  fileName: string;
  contentType: string;
  bytes: number;
}

/**
 * Makes (once; reused while it exists) `playback.mp3` in `workDir` from the original recording:
 * MP3 at 24 kbit/s, 16 kHz (MPEG-2 layer III plays everywhere; 8 kHz would be MPEG-2.5),
 * channels kept, so about 5 MiB holds half an hour of a call.
 */
export async function playbackAudio(source: string, workDir: string, baseName: string, signal?: AbortSignal): Promise<PlaybackAudio> {
  const target = path.join(workDir, 'playback.mp3');
  const existing = await stat(target).catch(() => undefined);
  if (!existing) {
    const temp = `${target}.part`;
    const args = ['-nostdin', '-v', 'error', '-y', '-i', source, '-vn', '-ar', '16000', '-c:a', 'libmp3lame', '-b:a', '24k', '-f', 'mp3', temp];
    try {
      const result = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), args, { signal });
      if (result.exitCode !== 0) throw new PermanentError(`cannot make the playback copy: ${lastLines(result.stderr)}`, { system: 'ffmpeg' });
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
  }
  const bytes = (await stat(target)).size;
  return { path: target, fileName: `${baseName.replace(/\.[^.]+$/, '')}.mp3`, contentType: 'audio/mpeg', bytes };
}
