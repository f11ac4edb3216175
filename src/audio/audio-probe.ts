import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AbortedError, PermanentError, TransientError } from '../errors.ts';
import type { AudioInfo } from '../recording.ts';
import { lastLines, mediaToolPath, runMediaProcess } from './ffmpeg-process.ts';
import { readWavHeader } from './wav-header.ts';

/** Options of {@link probeAudio}. */
export interface ProbeOptions {
  signal?: AbortSignal;
  /** ffprobe binary; default `FFPROBE_PATH`, else `ffprobe` on PATH. */
  ffprobePath?: string;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { duration?: string };
}

/**
 * Describes the audio of a local file. WAVs whose header this service understands (what Five9
 * sends) are read in code; anything else costs one ffprobe spawn. Throws PermanentError for
 * empty, truncated, non-audio or zero-length files, AbortedError when `signal` fires.
 */
export async function probeAudio(path: string, options: ProbeOptions = {}): Promise<AudioInfo> {
  const { signal } = options;
  throwIfAborted(signal);
  const size = await fileSize(path);
  if (size === 0) throw new PermanentError('empty file (0 bytes)', { system: 'ffmpeg' });

  const header = await readWavHeader(path);
  if (header?.truncated) {
    throw new PermanentError(
      `truncated WAV: header declares ${header.declaredDataSize} bytes of audio but the file holds ${header.availableDataSize}`,
      { system: 'ffmpeg' },
    );
  }
  if (header?.codec !== undefined) {
    return checked({
      durationSeconds: header.durationSeconds,
      channels: header.channels,
      sampleRate: header.sampleRate,
      codec: header.codec,
    });
  }
  return checked(await ffprobe(path, options));
}

async function ffprobe(path: string, options: ProbeOptions): Promise<AudioInfo> {
  const binary = mediaToolPath('ffprobe', options.ffprobePath);
  // absolute, so a name starting with '-' or holding 'word:' is never read as an option or a protocol
  const input = resolve(path);
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input];
  const result = await runMediaProcess('ffprobe', binary, args, { signal: options.signal });
  if (result.exitCode === null) {
    // killed from outside (OOM killer, an operator): says nothing about the file
    throw new TransientError(`ffprobe killed by ${result.signal ?? 'a signal'}`, { system: 'ffmpeg' });
  }
  if (result.exitCode !== 0) {
    throw new PermanentError(`not an audio file: ${shortReason(result.stderr, input)}`, { system: 'ffmpeg' });
  }

  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(result.stdout) as FfprobeOutput;
  } catch (error) {
    throw new PermanentError('not an audio file: ffprobe printed no readable description', {
      system: 'ffmpeg',
      cause: error,
    });
  }
  const stream = parsed.streams?.find((candidate) => candidate.codec_type === 'audio');
  if (stream === undefined) throw new PermanentError('no audio stream', { system: 'ffmpeg' });

  // containers without a per-stream duration (some MP3s, Ogg) carry it on the format
  const durationSeconds = Number(stream.duration ?? parsed.format?.duration ?? 0);
  return {
    durationSeconds: Number.isFinite(durationSeconds) ? durationSeconds : 0,
    channels: stream.channels ?? 0,
    sampleRate: Number(stream.sample_rate ?? 0),
    codec: stream.codec_name ?? 'unknown',
  };
}

function checked(info: AudioInfo): AudioInfo {
  if (!(info.durationSeconds > 0)) throw new PermanentError('audio has zero duration', { system: 'ffmpeg' });
  if (!(info.channels > 0) || !(info.sampleRate > 0)) {
    throw new PermanentError(`not an audio file: ${info.channels} channels at ${info.sampleRate} Hz`, {
      system: 'ffmpeg',
    });
  }
  return info;
}

/** ffprobe's complaint without the file path it starts with (`<path>: Invalid data found…`). */
function shortReason(stderr: string, path: string): string {
  const reason = lastLines(stderr, 1);
  const withoutPath = reason.startsWith(`${path}: `) ? reason.slice(path.length + 2) : reason;
  const short = withoutPath.length > 200 ? `${withoutPath.slice(0, 200)}…` : withoutPath;
  return short === '' ? 'ffprobe failed without a message' : short;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PermanentError(`cannot read audio file (${code ?? 'error'}): ${path}`, { system: 'fs', cause: error });
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('probe not started: aborted', { cause: signal.reason });
}
