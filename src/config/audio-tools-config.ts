import path from 'node:path';
import { z } from 'zod';
import { executableProblem } from '../audio/audio-tools.ts';
import { envText, problem } from './env-value.ts';

/** `FFMPEG_PATH` / `FFPROBE_PATH` as set (checked executable); unset → `PATH`, then the npm-shipped build. */
export const audioToolsConfig = z
  .object({ FFMPEG_PATH: envText, FFPROBE_PATH: envText })
  .superRefine((e, ctx) => {
    for (const variable of ['FFMPEG_PATH', 'FFPROBE_PATH'] as const) {
      const file = e[variable];
      const why = file === undefined ? undefined : executableProblem(file);
      const tool = variable === 'FFMPEG_PATH' ? 'ffmpeg' : 'ffprobe';
      if (why !== undefined) problem(ctx, variable, `${file} ${why} (unset it to use ${tool} from PATH or the npm-shipped build)`);
    }
  })
  .transform((e) => ({
    ffmpegPath: e.FFMPEG_PATH === undefined ? undefined : path.resolve(e.FFMPEG_PATH),
    ffprobePath: e.FFPROBE_PATH === undefined ? undefined : path.resolve(e.FFPROBE_PATH),
  }));

export type AudioToolsConfig = z.output<typeof audioToolsConfig>;
