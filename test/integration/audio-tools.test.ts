import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolsInUse, canEncode, findExecutable, hasFilterOption, resolveAudioTool, toolVersion } from '../../src/audio/audio-tools.ts';
import { normalizeAudio } from '../../src/audio/audio-normalizer.ts';
import { probeAudio } from '../../src/audio/audio-probe.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { PermanentError } from '../../src/errors.ts';
import { writeTestAudio } from '../helpers/test-audio.ts';

// The real binaries: Debian's on PATH (when installed) and the builds in the optional npm packages.
const systemFfmpeg = findExecutable('ffmpeg');
const shipped = (name: string): string | undefined => {
  try {
    return (createRequire(import.meta.url)(name) as { path: string }).path;
  } catch {
    return undefined;
  }
};
const npmFfmpeg = shipped('@ffmpeg-installer/ffmpeg');
const npmFfprobe = shipped('@ffprobe-installer/ffprobe');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recpipe-audio-tools-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A folder for PATH holding `entries` (name → symlink target, or file content with a mode). */
async function pathDir(name: string, entries: Record<string, { link: string } | { content: string; mode: number } | 'folder'>): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  for (const [file, entry] of Object.entries(entries)) {
    const target = join(folder, file);
    if (entry === 'folder') await mkdir(target, { mode: 0o755 });
    else if ('link' in entry) await symlink(entry.link, target);
    else {
      await writeFile(target, entry.content);
      await chmod(target, entry.mode);
    }
  }
  return folder;
}

describe('resolveAudioTool: FFMPEG_PATH → PATH → npm-shipped build', () => {
  it.skipIf(systemFfmpeg === undefined)('takes ffmpeg from PATH over the npm-shipped build (a system install wins)', async () => {
    const onPath = await pathDir('system', { ffmpeg: { link: systemFfmpeg! } });
    expect(resolveAudioTool('ffmpeg', { PATH: onPath })).toEqual({ tool: 'ffmpeg', path: join(onPath, 'ffmpeg'), source: 'system' });
  });

  it.skipIf(npmFfmpeg === undefined)(
    'skips what is not an executable regular file on PATH (no x bit, a folder, /dev/null bound over it) and uses the npm build',
    async () => {
      const decoys = [
        await pathDir('no-x', { ffmpeg: { content: '#!/bin/sh\nexit 0\n', mode: 0o644 } }),
        await pathDir('a-folder', { ffmpeg: 'folder' }),
        await pathDir('dev-null', { ffmpeg: { link: '/dev/null' } }),
      ];
      const found = resolveAudioTool('ffmpeg', { PATH: decoys.join(':') });
      expect(found).toEqual({ tool: 'ffmpeg', path: npmFfmpeg, source: 'npm' });
      expect(await toolVersion(found.path)).toMatch(/^ffmpeg version \S+/);
      expect(resolveAudioTool('ffprobe', { PATH: decoys.join(':') })).toEqual({ tool: 'ffprobe', path: npmFfprobe, source: 'npm' });
    },
  );

  it('a valid FFMPEG_PATH wins over PATH; a bad one is an error naming the variable, never a silent fallback', async () => {
    const script = join(dir, 'my-ffmpeg');
    await writeFile(script, '#!/bin/sh\necho "ffmpeg version 9.9-custom"\n');
    await chmod(script, 0o755);
    expect(resolveAudioTool('ffmpeg', { FFMPEG_PATH: script, PATH: '/usr/bin' })).toEqual({ tool: 'ffmpeg', path: script, source: 'env' });
    expect(await toolVersion(script)).toBe('ffmpeg version 9.9-custom');

    const bad = (value: string) => {
      try {
        resolveAudioTool('ffprobe', { FFPROBE_PATH: value, PATH: '/usr/bin' });
      } catch (error) {
        expect(error).toBeInstanceOf(PermanentError);
        return (error as Error).message;
      }
      throw new Error(`FFPROBE_PATH=${value} was accepted`);
    };
    expect(bad(join(dir, 'nope'))).toMatch(/ffprobe not found: ".*nope" does not exist \(check FFPROBE_PATH\)/);
    expect(bad(dir)).toMatch(/is not a regular file \(check FFPROBE_PATH\)/);
    expect(bad('/dev/null')).toMatch(/is not a regular file/);
    const noX = join(dir, 'no-x-ffprobe');
    await writeFile(noX, '#!/bin/sh\n');
    expect(bad(noX)).toMatch(/is not executable \(check FFPROBE_PATH\)/);
  });

  it('with no ffmpeg anywhere says so in one line and how to get one', () => {
    // an empty PATH, and the npm package's answer cannot be removed here: only assert when it is absent
    if (npmFfmpeg !== undefined) {
      expect(resolveAudioTool('ffmpeg', { PATH: '' }).source).toBe('npm');
      return;
    }
    expect(() => resolveAudioTool('ffmpeg', { PATH: '' })).toThrow(
      "no ffmpeg found: install Debian's ffmpeg or run npm ci with optional dependencies (or set FFMPEG_PATH)",
    );
  });

  it('recpipe config names the tool in use and its origin', async () => {
    const script = join(dir, 'configured-ffprobe');
    await copyFile('/bin/true', script);
    const inUse = audioToolsInUse({ FFPROBE_PATH: script, PATH: '' });
    expect(inUse.ffprobe).toBe(`configured ${script}`);
    if (npmFfmpeg !== undefined) expect(inUse.ffmpeg).toBe(`npm-shipped ${npmFfmpeg}`);
  });

  it('loadConfig reports a bad FFMPEG_PATH / FFPROBE_PATH as configuration problems naming them', () => {
    const error = (() => {
      try {
        loadConfig({ FFMPEG_PATH: '/nonexistent/ffmpeg', FFPROBE_PATH: '/dev/null' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'FFMPEG_PATH: /nonexistent/ffmpeg does not exist (unset it to use ffmpeg from PATH or the npm-shipped build)',
      'FFPROBE_PATH: /dev/null is not a regular file (unset it to use ffprobe from PATH or the npm-shipped build)',
    ]);
    expect(loadConfig({ FFMPEG_PATH: '/bin/true' }).audioTools).toEqual({ ffmpegPath: '/bin/true', ffprobePath: undefined });
  });
});

describe('what each build can do', () => {
  it.skipIf(systemFfmpeg === undefined)("Debian's ffmpeg encodes GSM (libgsm), FLAC and MP3 and has astats' measure options", async () => {
    for (const codec of ['gsm_ms', 'libgsm_ms', 'flac', 'mp3', 'libmp3lame', 'pcm_mulaw']) expect(await canEncode(codec, systemFfmpeg)).toBe(true);
    expect(await canEncode('no_such_codec', systemFfmpeg)).toBe(false);
    expect(await hasFilterOption('astats', 'measure_perchannel', systemFfmpeg)).toBe(true);
  });

  it.skipIf(npmFfmpeg === undefined)('the npm-shipped 2018 build has FLAC, MP3 and µ-law but no GSM encoder, and an older astats', async () => {
    for (const codec of ['flac', 'mp3', 'pcm_mulaw']) expect(await canEncode(codec, npmFfmpeg)).toBe(true);
    expect(await canEncode('gsm_ms', npmFfmpeg)).toBe(false);
    expect(await hasFilterOption('astats', 'measure_perchannel', npmFfmpeg)).toBe(false);
    // an option both have, so the check is not merely always false on this build
    expect(await hasFilterOption('astats', 'reset', npmFfmpeg)).toBe(true);
  });

  it('a binary that cannot run is an error, and is asked again next time rather than cached', async () => {
    const flaky = join(dir, 'flaky-ffmpeg');
    await writeFile(flaky, '#!/bin/sh\nexit 3\n');
    await chmod(flaky, 0o755);
    await expect(canEncode('flac', flaky)).rejects.toThrow(/-encoders failed/);
    await writeFile(flaky, `#!/bin/sh\necho " A..... flac                 FLAC (Free Lossless Audio Codec)"\n`);
    expect(await canEncode('flac', flaky)).toBe(true);
  });
});

describe.skipIf(systemFfmpeg === undefined || npmFfmpeg === undefined)('normalize with the npm-shipped ffmpeg', () => {
  it('measures the same silences and loudness windows as Debian\'s ffmpeg (astats fallback)', async () => {
    const input = await writeTestAudio(join(dir, 'stereo.wav'), { seconds: 6, channels: 2, codec: 'pcm_s16le', seed: 7 });
    const info = await probeAudio(input);
    const analysis = { silence: { noiseDb: -35, minSeconds: 0.5 }, levels: { windowSeconds: 0.1 } };
    const run = async (binary: string, out: string) => normalizeAudio(input, info, join(dir, out), { analysis, ffmpegPath: binary });
    const [system, npm] = [await run(systemFfmpeg!, 'system'), await run(npmFfmpeg!, 'npm')];
    expect(npm).toHaveLength(2);
    for (const [index, track] of npm.entries()) {
      const levels = await readFile(track.levelsPath!, 'utf8');
      expect(levels).toMatch(/lavfi\.astats\.1\.RMS_level=/);
      // only the RMS level is printed, as with measure_perchannel=RMS_level
      expect(levels).not.toMatch(/Peak_level|Overall/);
      expect(levels).toBe(await readFile(system[index]!.levelsPath!, 'utf8'));
      expect(await readFile(track.silencesPath!, 'utf8')).toBe(await readFile(system[index]!.silencesPath!, 'utf8'));
      expect(track.durationSeconds).toBeCloseTo(6, 2);
    }
  });
});
