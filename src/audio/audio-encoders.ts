import { lastLines, mediaToolPath, runMediaProcess } from './ffmpeg-process.ts';
import { PermanentError } from '../errors.ts';

const cache = new Map<string, Promise<Map<string, string>>>();

/**
 * The audio encoders this ffmpeg has, by the codec they write (`gsm_ms` → `libgsm_ms`), read
 * once per binary from `ffmpeg -encoders`: the npm-shipped ffmpeg has no GSM encoder, Debian's
 * has, so the answer decides whether a redacted copy can keep the recording's codec.
 */
export function audioEncoders(signal?: AbortSignal): Promise<Map<string, string>> {
  const binary = mediaToolPath('ffmpeg');
  let found = cache.get(binary);
  if (!found) {
    found = listEncoders(binary, signal);
    cache.set(binary, found);
    // a failed or aborted listing is not remembered: the next recording asks again
    found.catch(() => cache.delete(binary));
  }
  return found;
}

async function listEncoders(binary: string, signal?: AbortSignal): Promise<Map<string, string>> {
  const result = await runMediaProcess('ffmpeg', binary, ['-hide_banner', '-encoders'], { signal });
  if (result.exitCode !== 0) throw new PermanentError(`ffmpeg -encoders failed: ${lastLines(result.stderr)}`, { system: 'ffmpeg' });
  const encoders = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    // " A....D libgsm_ms            libgsm GSM Microsoft variant (codec gsm_ms)"
    const match = /^\s*A[.A-Z]{5}\s+(\S+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, name = '', description = ''] = match;
    const codec = /\(codec (\S+?)\)\s*$/.exec(description)?.[1] ?? name;
    if (!encoders.has(codec)) encoders.set(codec, name);
  }
  return encoders;
}
