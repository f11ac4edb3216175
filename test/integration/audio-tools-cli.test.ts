import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/audio/audio-tools.ts';
import { runRecpipe } from '../helpers/recpipe-process.ts';

// `recpipe doctor` and `recpipe config` as a user runs them: which ffmpeg, from where, what it lacks.
const npmFfmpeg = (() => {
  try {
    return (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return undefined;
  }
})();

let cwd: string;
let binOnly: string;
beforeAll(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'recpipe-audio-tools-cli-'));
  // a PATH with node but without ffmpeg/ffprobe, as on a fresh machine
  binOnly = path.join(cwd, 'bin');
  await mkdir(binOnly);
  await symlink(process.execPath, path.join(binOnly, 'node'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

// OpenAI on a closed port: doctor's openai line fails fast, the tool lines are what is checked
const doctorEnv = () => ({ DATA_DIR: path.join(cwd, 'data'), OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_TIMEOUT_MS: '2000' });
const toolLines = (stdout: string) => stdout.split('\n').filter((line) => /^\S+\s+(ffmpeg|ffprobe)\s/.test(line));

// each child process is a Node start-up (seconds on a busy 2-core machine), hence the timeouts
describe('recpipe doctor / config name the ffmpeg in use', () => {
  it.skipIf(findExecutable('ffmpeg') === undefined)('a system ffmpeg on PATH wins, with its version', async () => {
    const result = await runRecpipe(['doctor'], doctorEnv(), cwd);
    const [ffmpeg, ffprobe] = toolLines(result.stdout);
    expect(ffmpeg).toMatch(new RegExp(`^ok +ffmpeg +system ${findExecutable('ffmpeg')} \\S+`));
    expect(ffprobe).toMatch(new RegExp(`^ok +ffprobe +system ${findExecutable('ffprobe')} \\S+`));
  }, 120_000);

  it.skipIf(npmFfmpeg === undefined)('without one on PATH, the npm-shipped build, and that it has no GSM encoder', async () => {
    const result = await runRecpipe(['doctor'], { ...doctorEnv(), PATH: binOnly }, cwd);
    const [ffmpeg, ffprobe] = toolLines(result.stdout);
    expect(ffmpeg).toBe(`ok    ffmpeg     npm-shipped ${npmFfmpeg} N-47683-g0e8eb07980-static (2018) (no GSM encoder: a mono GSM WAV is still muted in place; beeped or stereo GSM audio is kept as FLAC)`);
    expect(ffprobe).toMatch(/^ok +ffprobe +npm-shipped \S+@ffprobe-installer\S+ffprobe \S+/);
    const config = await runRecpipe(['config'], { DATA_DIR: path.join(cwd, 'data'), PATH: binOnly }, cwd);
    expect(JSON.parse(config.stdout).audioToolsInUse).toEqual({ ffmpeg: `npm-shipped ${npmFfmpeg}`, ffprobe: expect.stringMatching(/^npm-shipped \//) as string });
  }, 120_000);

  it('FFMPEG_PATH from .env reaches doctor; a bad one stops every command naming the variable', async () => {
    const fake = path.join(cwd, 'my ffmpeg');
    // a stand-in that answers -version and -encoders like ffmpeg, with libgsm
    await writeFile(fake, '#!/bin/sh\ncase "$*" in *-encoders*) echo " A..... libgsm_ms  libgsm GSM Microsoft variant (codec gsm_ms)";; *) echo "ffmpeg version 6.6.6-custom Copyright (c) 2000-2024";; esac\n');
    await chmod(fake, 0o755);
    await writeFile(path.join(cwd, '.env'), `FFMPEG_PATH=${fake}\n`);
    const doctor = await runRecpipe(['doctor'], doctorEnv(), cwd);
    expect(toolLines(doctor.stdout)[0]).toBe(`ok    ffmpeg     configured ${fake} 6.6.6-custom`);

    await writeFile(path.join(cwd, '.env'), `FFMPEG_PATH=${path.join(cwd, 'nowhere', 'ffmpeg')}\n`);
    for (const command of ['config', 'status']) {
      const bad = await runRecpipe([command], doctorEnv(), cwd);
      expect(bad.code, command).toBe(2);
      expect(bad.stderr).toContain(`FFMPEG_PATH: ${path.join(cwd, 'nowhere', 'ffmpeg')} does not exist`);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
    await rm(path.join(cwd, '.env'));
  }, 180_000);
});
