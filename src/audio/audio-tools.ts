import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PermanentError } from '../errors.ts';

/** The two media tools this service spawns. */
export type MediaTool = 'ffmpeg' | 'ffprobe';

/** Where a media tool came from: its `*_PATH` variable, `PATH`, or the npm package that ships it. */
export type AudioToolSource = 'env' | 'system' | 'npm';

/** One resolved media tool. */
export interface AudioTool {
  tool: MediaTool;
  /** Absolute path of the binary to spawn. */
  path: string;
  source: AudioToolSource;
}

/** The variable that names each tool's binary. */
export const AUDIO_TOOL_ENV: Record<MediaTool, 'FFMPEG_PATH' | 'FFPROBE_PATH'> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };

// Optional dependencies that carry a static build inside the package (nothing downloaded at install).
const NPM_PACKAGES: Record<MediaTool, string> = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };

const resolved = new Map<string, AudioTool>();

/**
 * The binary to run for `tool`: `FFMPEG_PATH` / `FFPROBE_PATH` when set (it must be an executable
 * file), else the first executable `ffmpeg` / `ffprobe` on `PATH` (a system install always wins),
 * else the build shipped in the optional npm package. Throws PermanentError when there is none or
 * the variable names no executable file. Cached per (variable, PATH).
 */
export function resolveAudioTool(tool: MediaTool, env: NodeJS.ProcessEnv = process.env): AudioTool {
  const variable = AUDIO_TOOL_ENV[tool];
  const configured = env[variable]?.trim() || undefined;
  const key = `${tool}\0${configured ?? ''}\0${env.PATH ?? ''}`;
  const cached = resolved.get(key);
  if (cached !== undefined) return cached;

  let found: AudioTool | undefined;
  if (configured !== undefined) {
    const problem = executableProblem(configured);
    if (problem !== undefined) throw new PermanentError(`${tool} not found: "${configured}" ${problem} (check ${variable})`, { system: 'ffmpeg' });
    found = { tool, path: path.resolve(configured), source: 'env' };
  } else {
    const onPath = findExecutable(tool, env.PATH ?? '');
    const shipped = onPath === undefined ? npmShipped(tool) : undefined;
    if (onPath !== undefined) found = { tool, path: onPath, source: 'system' };
    else if (shipped !== undefined) found = { tool, path: shipped, source: 'npm' };
  }
  if (found === undefined) {
    throw new PermanentError(`no ${tool} found: install Debian's ffmpeg or run npm ci with optional dependencies (or set ${variable})`, {
      system: 'ffmpeg',
    });
  }
  resolved.set(key, found);
  return found;
}

/** Why `file` cannot be run, or undefined when it is an executable regular file. */
export function executableProblem(file: string): string | undefined {
  try {
    // a bind-mounted /dev/null or a folder is not a tool, even with the x bit
    if (!statSync(file).isFile()) return 'is not a regular file';
    accessSync(file, constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : 'is not executable';
  }
}

/** The first executable regular file called `name` in `searchPath`'s folders, as a shell would find it. */
export function findExecutable(name: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.resolve(dir, name);
    if (executableProblem(candidate) === undefined) return candidate;
  }
  return undefined;
}

function npmShipped(tool: MediaTool): string | undefined {
  try {
    // the packages are optional and throw at import on a platform without a build
    const shipped = createRequire(import.meta.url)(NPM_PACKAGES[tool]) as { path?: unknown };
    if (typeof shipped.path === 'string' && executableProblem(shipped.path) === undefined) return shipped.path;
  } catch {
    // not installed, or no build for this platform: the caller reports that no tool was found
  }
  return undefined;
}

/** How `doctor` and `recpipe config` name a tool's origin. */
export function describeSource(source: AudioToolSource): string {
  return source === 'env' ? 'configured' : source === 'npm' ? 'npm-shipped' : 'system';
}

/**
 * One line per tool naming the binary in use and where it came from (`system /usr/bin/ffmpeg`,
 * `npm-shipped /…/ffmpeg`), or why there is none; for `recpipe config`.
 */
export function audioToolsInUse(env: NodeJS.ProcessEnv = process.env): Record<MediaTool, string> {
  const line = (tool: MediaTool): string => {
    try {
      const found = resolveAudioTool(tool, env);
      return `${describeSource(found.source)} ${found.path}`;
    } catch (error) {
      return (error as Error).message;
    }
  };
  return { ffmpeg: line('ffmpeg'), ffprobe: line('ffprobe') };
}

const versions = new Map<string, Promise<string>>();
const encoders = new Map<string, Promise<Set<string>>>();

/** The first line of `<binary> -version`, e.g. `ffmpeg version 5.1.8-0+deb12u1 …`. Cached per binary. */
export function toolVersion(binary: string): Promise<string> {
  let version = versions.get(binary);
  if (version === undefined) {
    version = output(binary, ['-hide_banner', '-version']).then((text) => text.split('\n')[0]?.trim() ?? '');
    version.catch(() => versions.delete(binary));
    versions.set(binary, version);
  }
  return version;
}

/**
 * Whether this ffmpeg can encode `codec`, by encoder name (`libgsm_ms`) or by the codec it
 * writes (`gsm_ms`, `flac`, `mp3`), from `ffmpeg -hide_banner -encoders`. Cached per binary.
 * The npm-shipped build has no libgsm: redacted GSM audio is then written as FLAC.
 */
export async function canEncode(codec: string, binary: string = resolveAudioTool('ffmpeg').path): Promise<boolean> {
  let names = encoders.get(binary);
  if (names === undefined) {
    names = output(binary, ['-hide_banner', '-encoders']).then(encoderNames);
    names.catch(() => encoders.delete(binary));
    encoders.set(binary, names);
  }
  return (await names).has(codec);
}

const filterHelp = new Map<string, Promise<string>>();

/**
 * Whether this ffmpeg's `filter` takes `option` (from `ffmpeg -h filter=<name>`), for options
 * newer than the npm-shipped 2018 build, such as `astats` `measure_perchannel`. Cached per binary.
 */
export async function hasFilterOption(filter: string, option: string, binary: string = resolveAudioTool('ffmpeg').path): Promise<boolean> {
  const key = `${binary}\0${filter}`;
  let help = filterHelp.get(key);
  if (help === undefined) {
    help = output(binary, ['-hide_banner', '-h', `filter=${filter}`]);
    help.catch(() => filterHelp.delete(key));
    filterHelp.set(key, help);
  }
  return new RegExp(`^\\s+${option}\\s`, 'm').test(await help);
}

/** Encoder lines look like ` A..... libgsm_ms  libgsm GSM Microsoft variant (codec gsm_ms)`. */
function encoderNames(listing: string): Set<string> {
  const names = new Set<string>();
  for (const line of listing.split('\n')) {
    const match = /^\s*[VAS][A-Z.]{5}\s+(\S+)\s+(.*)$/.exec(line);
    if (match === null || match[1] === '=') continue;
    names.add(match[1]!);
    const codec = /\(codec (\S+)\)\s*$/.exec(match[2]!);
    if (codec !== null) names.add(codec[1]!);
  }
  return names;
}

function output(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 15_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(new PermanentError(`${path.basename(binary)} ${args.at(-1)} failed: ${error.message}`, { system: 'ffmpeg', cause: error }));
      else resolve(stdout);
    });
  });
}
