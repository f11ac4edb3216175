import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { firstValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FoundFile } from '../../src/recording.ts';
import { inboxFiles } from '../../streams/inbox-watch.ts';

// a real temp folder and real chokidar (file system only: no process, no network)
const log = pino({ level: 'silent' });
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'recpipe-inbox-stream-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(relative: string, bytes = 'RIFF....WAVE'): Promise<string> {
  const file = path.join(root, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return file;
}

const once = (stableMs = 0) => firstValueFrom(inboxFiles({ root, watch: false, stableMs, rescanIntervalMs: 60_000, log }).pipe(toArray()));

describe('inboxFiles (one scan: run --once)', () => {
  it('emits every audio file below the root, with its relative path, then completes', async () => {
    await put('a.wav');
    await put('6_15_2025/Sales/b.mp3');
    const found = await once();
    expect(found.map((f) => f.relativePath).sort()).toEqual(['6_15_2025/Sales/b.mp3', 'a.wav']);
    const b = found.find((f) => f.fileName === 'b.mp3')!;
    expect(b).toMatchObject({ source: 'inbox', path: path.join(root, '6_15_2025/Sales/b.mp3'), size: 12 });
  });

  it('leaves out what is not a finished recording: temp uploads, dot files and folders, other files', async () => {
    await put('upload.wav.part');
    await put('copy.wav.crdownload');
    await put('.hidden.wav');
    await put('.sync/c.wav');
    await put('notes.txt');
    await put('keep.WAV');
    expect((await once()).map((f) => f.relativePath)).toEqual(['keep.WAV']);
  });

  it('completes empty when the inbox does not exist (yet)', async () => {
    await rm(root, { recursive: true });
    expect(await once()).toEqual([]);
  });

  it('leaves a file that is still growing for the next scan', async () => {
    const growing = await put('growing.wav');
    await put('done.wav');
    const scan = once(300);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await appendFile(growing, 'more audio');
    expect((await scan).map((f) => f.fileName)).toEqual(['done.wav']);
  });
});

describe('inboxFiles (watching: recpipe start)', () => {
  it('emits the files there at start, then files dropped in later; unsubscribing closes the watcher', async () => {
    await put('at-start.wav');
    const seen: FoundFile[] = [];
    let closing: Promise<void> | undefined;
    const subscription = inboxFiles({ root, watch: true, stableMs: 0, rescanIntervalMs: 60_000, log, onClose: (c) => (closing = c) }).subscribe((f) =>
      seen.push(f),
    );
    await vi.waitFor(() => expect(seen.map((f) => f.fileName)).toContain('at-start.wav'), { timeout: 5000 });
    await put('sub/later.wav');
    await vi.waitFor(() => expect(seen.map((f) => f.fileName)).toContain('later.wav'), { timeout: 5000, interval: 50 });
    expect(seen.find((f) => f.fileName === 'later.wav')?.relativePath).toBe('sub/later.wav');
    subscription.unsubscribe();
    expect(closing).toBeInstanceOf(Promise);
    await closing;
  });

  it('ignores temp uploads and dot files dropped in while watching', async () => {
    const seen: string[] = [];
    const subscription = inboxFiles({ root, watch: true, stableMs: 0, rescanIntervalMs: 60_000, log }).subscribe((f) => seen.push(f.fileName));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await put('x.wav.part');
    await put('.y.wav');
    await put('z.wav');
    await vi.waitFor(() => expect(seen).toContain('z.wav'), { timeout: 5000, interval: 50 });
    expect(seen.filter((n) => n !== 'z.wav')).toEqual([]);
    subscription.unsubscribe();
  });
});
