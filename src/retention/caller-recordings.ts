import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { sha256File } from '../files/sha256-file.ts';
import { parseNamePattern } from '../five9/name-pattern.ts';
import { parseFive9Path } from '../five9/parse-five9-path.ts';

/** A caller number reduced to its digits; a North American 11-digit number loses its leading 1. */
export function normalizeCallerNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}

/** One caller's recording as found on disk: its id and the local files that hold it. */
export interface CallerRecording {
  id: string;
  transcriptFiles: string[];
  audioFiles: string[];
}

/**
 * Every recording of one caller that is still on disk: transcripts whose `call.caller` matches,
 * and audio in `processed/` and `failed/` whose Five9 file name carries the number (found even
 * when retention already removed the transcript; its id comes from hashing the audio).
 */
export async function findCallerRecordings(caller: string, config: Pick<Config, 'paths' | 'five9'>): Promise<Map<string, CallerRecording>> {
  const target = normalizeCallerNumber(caller);
  const found = new Map<string, CallerRecording>();
  const entry = (id: string) => {
    let recording = found.get(id);
    if (recording === undefined) found.set(id, (recording = { id, transcriptFiles: [], audioFiles: [] }));
    return recording;
  };
  const { transcriptsDir, processedDir, failedDir } = config.paths;

  for (const name of await names(transcriptsDir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(transcriptsDir, name);
    const doc = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as { id?: unknown; call?: { caller?: unknown } };
    if (typeof doc.id !== 'string' || typeof doc.call?.caller !== 'string' || normalizeCallerNumber(doc.call.caller) !== target) continue;
    const recording = entry(doc.id);
    recording.transcriptFiles.push(file, file.replace(/\.json$/, '.md'));
  }

  const patterns = config.five9.namePattern ? [parseNamePattern(config.five9.namePattern)] : [];
  const audio = [...(await walk(processedDir)), ...(await walk(failedDir)).filter((f) => !f.endsWith('.error.json'))];
  for (const file of audio) {
    const { call } = parseFive9Path(path.basename(file), { timeZone: config.five9.timeZone, patterns });
    if (call.caller === undefined || normalizeCallerNumber(call.caller) !== target) continue;
    const id = (await sha256File(file)).slice(0, 16);
    entry(id).audioFiles.push(file, ...(file.startsWith(failedDir) ? [`${file}.error.json`] : []));
  }
  return found;
}

/** Files of this caller still waiting in the inbox (not processed yet, so not erasable yet). */
export async function waitingCallerFiles(caller: string, config: Pick<Config, 'paths' | 'five9'>): Promise<number> {
  const target = normalizeCallerNumber(caller);
  const patterns = config.five9.namePattern ? [parseNamePattern(config.five9.namePattern)] : [];
  let count = 0;
  for (const file of await walk(config.paths.inboxDir)) {
    const { call } = parseFive9Path(path.basename(file), { timeZone: config.five9.timeZone, patterns });
    if (call.caller !== undefined && normalizeCallerNumber(call.caller) === target) count++;
  }
  return count;
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(full)));
    else if (e.isFile()) files.push(full);
  }
  return files;
}
