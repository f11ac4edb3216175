import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Span } from './span.ts';

/** Level given to digital silence (astats says -inf). */
const FLOOR_DB = -120;

/**
 * The RMS level (dBFS) of one channel per short window, as ffmpeg `astats` measured it during
 * normalization. 45 minutes at 100 ms is 27,000 numbers: kept as a Float32Array.
 */
export class ChannelLevels {
  constructor(
    readonly windowSeconds: number,
    readonly db: Float32Array,
  ) {}

  /** Streams an `ametadata` print file (`pts_time:…` then `lavfi.astats.1.RMS_level=…` per window). */
  static async read(path: string, windowSeconds: number): Promise<ChannelLevels> {
    const values: number[] = [];
    let index = 0;
    const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const time = /pts_time:\s*(-?[\d.]+)/.exec(line);
      if (time) {
        index = Math.max(0, Math.round(Number(time[1]) / windowSeconds));
        continue;
      }
      const level = /RMS_level=(\S+)/.exec(line);
      if (!level) continue;
      const value = Number(level[1]);
      while (values.length < index) values.push(FLOOR_DB);
      values[index] = Number.isFinite(value) ? Math.max(FLOOR_DB, value) : FLOOR_DB;
    }
    return new ChannelLevels(windowSeconds, Float32Array.from(values));
  }

  /** Window indexes that overlap `span` (at least one, when the span lies inside the audio). */
  windowsOf(span: Span): { from: number; to: number } {
    const from = Math.max(0, Math.floor(span.start / this.windowSeconds));
    const to = Math.min(this.db.length, Math.max(from + 1, Math.ceil(span.end / this.windowSeconds)));
    return { from, to };
  }

  /** dBFS of window `index` (the floor outside the audio). */
  at(index: number): number {
    return this.db[index] ?? FLOOR_DB;
  }
}
