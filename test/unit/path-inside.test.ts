import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors.ts';
import { freeName } from '../../src/files/move-file.ts';
import { pathInside } from '../../src/files/path-inside.ts';
import { type ListedEntry, unsafeNameReason, walkRemoteTree } from '../../src/sftp/remote-walk.ts';

const root = path.resolve('/srv/recpipe/data');

describe('pathInside', () => {
  it('keeps plain and nested names, and names that merely contain dots', () => {
    expect(pathInside(root, 'x.wav')).toBe(path.join(root, 'x.wav'));
    expect(pathInside(root, 'work/downloads/7-a..b.wav')).toBe(path.join(root, 'work/downloads/7-a..b.wav'));
    expect(pathInside(root, '..wav')).toBe(path.join(root, '..wav'));
  });

  it('refuses whatever resolves outside, including a sibling that shares the prefix', () => {
    for (const hostile of ['../x.wav', '../../etc/passwd', '/etc/passwd', 'a/../../x', '../data-evil/x.wav', '..', '.', '']) {
      expect(() => pathInside(root, hostile), hostile).toThrow(PermanentError);
    }
  });

  it('guards freeName, which builds processed/ and failed/ names from source names', async () => {
    await expect(freeName(path.join(root, 'failed'), '../../../tmp/owned.wav', 'abc')).rejects.toThrow(/outside/);
    await expect(freeName(path.join(root, 'failed'), 'call.wav', 'abc')).resolves.toBe(path.join(root, 'failed', 'call.wav'));
  });
});

describe('hostile SFTP listings', () => {
  const entry = (type: string, name: string): ListedEntry => ({ type, name, size: 10, modifyTime: 1_795_000_000_000 });

  it('names the reason for unsafe names and accepts dots inside a name', () => {
    expect(unsafeNameReason('../../etc/cron.d/x.wav')).toMatch(/"\/"/);
    expect(unsafeNameReason('a\0b.wav')).toMatch(/NUL/);
    expect(unsafeNameReason('')).toMatch(/empty/);
    expect(unsafeNameReason('a..b.wav')).toBeUndefined();
    expect(unsafeNameReason('x\\y.wav')).toBeUndefined();
  });

  it('leaves files and folders with "/" or NUL in their names out of the walk, and reports each', async () => {
    // what a hostile server can send: ssh2 passes the names through as the server wrote them
    const tree: Record<string, ListedEntry[]> = {
      '/rec': [
        entry('-', '../../../../tmp/escape.wav'),
        entry('-', 'evil\0.wav'),
        entry('d', '../../etc'),
        entry('d', 'ok'),
        entry('-', 'a..b.wav'),
        entry('-', '..'),
        entry('d', '.'),
      ],
      '/rec/ok': [entry('-', 'inner.wav'), entry('-', 'x/../../y.wav')],
    };
    const listed: string[] = [];
    const refused: Array<[string, string]> = [];
    const files = await walkRemoteTree(
      '/rec',
      async (folder) => {
        listed.push(folder);
        const entries = tree[folder];
        if (!entries) throw new PermanentError(`no such folder ${folder}`);
        return entries;
      },
      { onRefusedName: (folder, name) => refused.push([folder, name]) },
    );
    expect(files.map((f) => f.path)).toEqual(['/rec/a..b.wav', '/rec/ok/inner.wav']);
    expect(listed.sort()).toEqual(['/rec', '/rec/ok']);
    expect(refused).toEqual([
      ['/rec', '../../../../tmp/escape.wav'],
      ['/rec', 'evil\0.wav'],
      ['/rec', '../../etc'],
      ['/rec/ok', 'x/../../y.wav'],
    ]);
  });
});
