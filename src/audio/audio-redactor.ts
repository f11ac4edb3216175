import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { PermanentError } from '../errors.ts';
import type { AudioInfo } from '../recording.ts';
import { audioEncoders } from './audio-encoders.ts';
import { probeAudio } from './audio-probe.ts';
import { lastLines, mediaToolPath, runMediaProcess } from './ffmpeg-process.ts';
import { isGsmWav, muteGsmBlocks } from './gsm-block-mute.ts';
import type { Span } from './span.ts';
import { readWavHeader } from './wav-header.ts';

/** REDACT_AUDIO: silence the spans, replace them with a 1 kHz tone, or leave the audio alone. */
export type AudioRedactMode = 'mute' | 'beep' | 'off';

export interface RedactedAudio {
  path: string;
  /** Codec written: the input's where this ffmpeg can encode it, else `flac`. */
  codec: string;
  /** Why the codec changed, when it did. */
  reason?: string;
}

/** Container per file extension; anything else is written as FLAC. */
const FORMATS: Record<string, string> = {
  '.wav': 'wav',
  '.flac': 'flac',
  '.mp3': 'mp3',
  '.ogg': 'ogg',
  '.oga': 'ogg',
  '.opus': 'ogg',
  '.m4a': 'ipod',
  '.mp4': 'mp4',
  '.aif': 'aiff',
  '.aiff': 'aiff',
  '.webm': 'webm',
};

/** Tone amplitude for `beep` (about −12 dBFS): audible, not painful. */
const BEEP_AMPLITUDE = 0.25;

/**
 * Writes a copy of `input` in `outputDir` with every span (seconds, already padded and merged)
 * silenced — or beeped — on every channel, in one ffmpeg run: the agent may read the number back
 * on the other channel. Samples outside the spans pass through untouched (re-encoded only when
 * the codec is lossy). Same container and codec when this ffmpeg can encode the input's codec
 * (Debian's can write GSM 6.10, the npm-shipped one cannot), else FLAC with the reason logged.
 * Muting a mono GSM WAV (what Five9 sends) swaps whole 40 ms blocks instead, with no ffmpeg
 * run and no re-encoding (see {@link muteGsmBlocks}).
 * The copy is verified before it is returned: it decodes to the end and lasts as long as the
 * input, within one codec frame. Throws PermanentError otherwise (nothing is left behind).
 */
export async function redactAudio(
  input: string,
  info: AudioInfo,
  spans: readonly Span[],
  options: { outputDir: string; mode: Exclude<AudioRedactMode, 'off'>; signal?: AbortSignal; log?: Logger },
): Promise<RedactedAudio> {
  const { signal } = options;
  const ext = path.extname(input);
  await mkdir(options.outputDir, { recursive: true });
  const header = options.mode === 'mute' ? await readWavHeader(input) : undefined;
  if (isGsmWav(header)) {
    const target = path.join(options.outputDir, `redacted${ext}`);
    const temp = `${target}.part`;
    try {
      await muteGsmBlocks(input, header, spans, temp);
      await verify(temp, info, signal);
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
    return { path: target, codec: info.codec };
  }
  const encoders = await audioEncoders(signal);
  const encoder = encoders.get(info.codec);
  const container = FORMATS[ext.toLowerCase()];
  let reason: string | undefined;
  if (!encoder) reason = `this ffmpeg cannot encode ${info.codec}`;
  else if (!container) reason = `no known container for "${ext}" files`;
  const keep = reason === undefined && encoder !== undefined && container !== undefined;
  if (!keep) options.log?.warn({ codec: info.codec, reason }, 'redacted audio written as FLAC');

  const target = path.join(options.outputDir, `redacted${keep ? ext : '.flac'}`);
  const temp = `${target}.part`;
  const args = [
    '-nostdin', '-v', 'error', '-y', '-i', input,
    '-map', '0:a:0', '-map_metadata', '0',
    '-af', filterOf(spans, info.channels, options.mode),
    '-ar', String(info.sampleRate), '-ac', String(info.channels),
    '-c:a', keep ? encoder : 'flac',
    '-f', keep ? container : 'flac',
    temp,
  ];
  try {
    const result = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), args, { signal });
    if (result.exitCode !== 0) throw new PermanentError(`cannot write the redacted audio: ${lastLines(result.stderr)}`, { system: 'ffmpeg' });
    await verify(temp, info, signal);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return { path: target, codec: keep ? info.codec : 'flac', ...(reason === undefined ? {} : { reason }) };
}

/**
 * One `aeval` over all channels: sample-exact (a timeline `enable=` on `volume` switches per
 * frame, up to a quarter second off at 8 kHz) and one pass whatever the number of spans.
 */
export function filterOf(spans: readonly Span[], channels: number, mode: Exclude<AudioRedactMode, 'off'>): string {
  const inside = spans.length === 0 ? '0' : spans.map((s) => `between(t\\,${s.start.toFixed(6)}\\,${s.end.toFixed(6)})`).join('+');
  const replacement = mode === 'beep' ? `${BEEP_AMPLITUDE}*sin(2*PI*1000*t)` : '0';
  const exprs = Array.from({ length: channels }, (_, ch) => `if(${inside}\\,${replacement}\\,val(${ch}))`).join('|');
  return `aeval=exprs=${exprs}:c=same`;
}

/** Decodes the whole copy (a truncated or corrupt file fails here) and compares durations. */
async function verify(file: string, info: AudioInfo, signal?: AbortSignal): Promise<void> {
  const decoded = await runMediaProcess('ffmpeg', mediaToolPath('ffmpeg'), ['-nostdin', '-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { signal });
  if (decoded.exitCode !== 0) throw new PermanentError(`the redacted audio does not decode: ${lastLines(decoded.stderr)}`, { system: 'ffmpeg' });
  const probed = await probeAudio(file, { signal });
  // one frame of slack: lossy encoders round the length to whole frames (1152 samples for MP3)
  const slack = Math.max(0.05, 1152 / info.sampleRate);
  if (Math.abs(probed.durationSeconds - info.durationSeconds) > slack) {
    throw new PermanentError(
      `the redacted audio lasts ${probed.durationSeconds.toFixed(3)} s, the recording ${info.durationSeconds.toFixed(3)} s`,
      { system: 'ffmpeg' },
    );
  }
}
