import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors.ts';
import { type ListedEntry, isIgnoredName, walkRemoteTree } from '../../src/sftp/remote-walk.ts';

const dir = (name: string): ListedEntry => ({ type: 'd', name, size: 4096, modifyTime: 0 });
const wav = (name: string, size = 10): ListedEntry => ({ type: '-', name, size, modifyTime: 1_795_000_000_000 });

/** A fake server: folder path → entries, or an error to throw. */
function lister(tree: Record<string, ListedEntry[] | Error>, seen: string[] = []) {
  return async (folder: string): Promise<ListedEntry[]> => {
    seen.push(folder);
    const entry = tree[folder];
    if (entry === undefined) throw new PermanentError(`SFTP list ${folder}: no such file or folder`);
    if (entry instanceof Error) throw entry;
    return entry;
  };
}

describe('walkRemoteTree', () => {
  it('walks nested campaign and day folders, skipping ignored names, symlinks and excluded folders', async () => {
    const seen: string[] = [];
    const files = await walkRemoteTree(
      '/',
      lister(
        {
          '/': [dir('.'), dir('..'), dir('Sales'), dir('archive'), dir('.ssh'), wav('top.wav')],
          '/Sales': [dir('11_27_2026'), dir('1_6_2026')],
          '/Sales/11_27_2026': [wav('b.wav'), wav('a.wav'), wav('c.wav.part'), wav('.d.wav'), { type: 'l', name: 'link.wav', size: 1, modifyTime: 0 }],
          '/Sales/1_6_2026': [wav('e.wav'), wav('f.WAV.TMP')],
        },
        seen,
      ),
      { exclude: ['/archive/'] },
    );
    expect(files.map((f) => f.relativePath)).toEqual(['Sales/11_27_2026/a.wav', 'Sales/11_27_2026/b.wav', 'Sales/1_6_2026/e.wav', 'top.wav']);
    expect(files[0]).toEqual({ path: '/Sales/11_27_2026/a.wav', relativePath: 'Sales/11_27_2026/a.wav', fileName: 'a.wav', size: 10, mtimeMs: 1_795_000_000_000 });
    expect(seen).not.toContain('/archive');
    expect(seen).not.toContain('/.ssh');
  });

  it('skips a subfolder that fails permanently and reports it', async () => {
    const skipped: string[] = [];
    const files = await walkRemoteTree(
      'rec',
      lister({ rec: [dir('locked'), dir('ok')], 'rec/locked': new PermanentError('permission denied'), 'rec/ok': [wav('x.wav')] }),
      { onSkippedFolder: (path) => skipped.push(path) },
    );
    expect(files.map((f) => f.path)).toEqual(['rec/ok/x.wav']);
    expect(skipped).toEqual(['rec/locked']);
  });

  it('fails when the root fails or any listing fails transiently (the result would be incomplete)', async () => {
    await expect(walkRemoteTree('/gone', lister({}))).rejects.toBeInstanceOf(PermanentError);
    const flaky = lister({ '/': [dir('a'), dir('b')], '/a': [wav('1.wav')], '/b': new TransientError('connection reset') });
    await expect(walkRemoteTree('/', flaky)).rejects.toBeInstanceOf(TransientError);
  });

  it('never lists more folders at once than allowed', async () => {
    let active = 0;
    let peak = 0;
    const tree: Record<string, ListedEntry[]> = { '/': Array.from({ length: 20 }, (_, i) => dir(`c${i}`)) };
    for (let i = 0; i < 20; i += 1) tree[`/c${i}`] = [wav(`${i}.wav`)];
    const slow = async (folder: string) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 2));
      active -= 1;
      return tree[folder] ?? [];
    };
    expect(await walkRemoteTree('/', slow, { concurrency: 3 })).toHaveLength(20);
    expect(peak).toBe(3);
  });

  it('recognizes temp and dot names', () => {
    for (const name of ['.x.wav', 'x.wav.part', 'x.wav.filepart', 'x.wav.tmp', 'x.123.partial']) expect(isIgnoredName(name)).toBe(true);
    for (const name of ['x.wav', 'part.wav', 'x.wav.bak']) expect(isIgnoredName(name)).toBe(false);
  });
});
