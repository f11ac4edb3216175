import { describe, expect, it } from 'vitest';
import type { RemoteFile } from '../../src/sftp/remote-walk.ts';
import { type FileSnapshot, selectStableFiles } from '../../src/sftp/stable-files.ts';

const NOW = Date.UTC(2026, 10, 27, 15, 0, 0);
const MIN_AGE = 30_000;

function file(name: string, size: number, ageMs: number): RemoteFile {
  // SFTP mtimes are whole seconds
  const mtimeMs = Math.floor((NOW - ageMs) / 1000) * 1000;
  return { path: `/rec/Sales/11_27_2026/${name}`, relativePath: `Sales/11_27_2026/${name}`, fileName: name, size, mtimeMs };
}

const names = (files: RemoteFile[]) => files.map((f) => f.fileName);

describe('selectStableFiles', () => {
  it('takes a file only when size and mtime are unchanged since the previous listing and it is old enough', () => {
    const growing1 = file('a.wav', 1000, 40_000);
    const first = selectStableFiles(new Map(), [growing1], NOW, { minFileAgeMs: MIN_AGE });
    expect(first.ready).toEqual([]);

    const growing2 = { ...growing1, size: 2000 };
    const second = selectStableFiles(first.snapshot, [growing2], NOW + 10_000, { minFileAgeMs: MIN_AGE });
    expect(second.ready).toEqual([]);

    const third = selectStableFiles(second.snapshot, [growing2], NOW + 20_000, { minFileAgeMs: MIN_AGE });
    expect(names(third.ready)).toEqual(['a.wav']);
  });

  it('does not take a file whose mtime changed even if the size did not (rewritten in place)', () => {
    const before = file('a.wav', 1000, 60_000);
    const after = { ...before, mtimeMs: before.mtimeMs + 1000 };
    const previous: FileSnapshot = new Map([[before.path, { size: before.size, mtimeMs: before.mtimeMs }]]);
    expect(selectStableFiles(previous, [after], NOW, { minFileAgeMs: MIN_AGE }).ready).toEqual([]);
  });

  it('waits for the minimum age even when the size is stable (a stalled upload can resume)', () => {
    const young = file('young.wav', 1000, 5_000);
    const previous: FileSnapshot = new Map([[young.path, { size: 1000, mtimeMs: young.mtimeMs }]]);
    expect(selectStableFiles(previous, [young], NOW, { minFileAgeMs: MIN_AGE }).ready).toEqual([]);
    expect(names(selectStableFiles(previous, [young], NOW + MIN_AGE, { minFileAgeMs: MIN_AGE }).ready)).toEqual(['young.wav']);
  });

  it('never takes an empty file (created before its first byte)', () => {
    const empty = file('empty.wav', 0, 3_600_000);
    const previous: FileSnapshot = new Map([[empty.path, { size: 0, mtimeMs: empty.mtimeMs }]]);
    expect(selectStableFiles(previous, [empty], NOW, { minFileAgeMs: MIN_AGE }).ready).toEqual([]);
    expect(selectStableFiles(undefined, [empty], NOW, { minFileAgeMs: MIN_AGE }).ready).toEqual([]);
  });

  it('on the first listing after start takes old files at once but makes recent ones wait', () => {
    const old = file('old.wav', 1000, MIN_AGE + 60_000);
    const borderline = file('borderline.wav', 1000, MIN_AGE + 10_000);
    const fresh = file('fresh.wav', 1000, 1_000);
    const first = selectStableFiles(undefined, [old, borderline, fresh], NOW, { minFileAgeMs: MIN_AGE });
    expect(names(first.ready)).toEqual(['old.wav']);

    const second = selectStableFiles(first.snapshot, [old, borderline, fresh], NOW + 30_000, { minFileAgeMs: MIN_AGE });
    expect(names(second.ready)).toEqual(['old.wav', 'borderline.wav', 'fresh.wav']);
  });

  it('can be told to always wait for a second listing', () => {
    const old = file('old.wav', 1000, 86_400_000);
    expect(selectStableFiles(undefined, [old], NOW, { minFileAgeMs: MIN_AGE, firstListingMarginMs: Infinity }).ready).toEqual([]);
  });

  it('keeps only currently listed files in the snapshot', () => {
    const a = file('a.wav', 10, 60_000);
    const b = file('b.wav', 20, 60_000);
    const first = selectStableFiles(new Map(), [a, b], NOW, { minFileAgeMs: MIN_AGE });
    expect([...first.snapshot.keys()]).toEqual([a.path, b.path]);
    const second = selectStableFiles(first.snapshot, [b], NOW, { minFileAgeMs: MIN_AGE });
    expect([...second.snapshot.entries()]).toEqual([[b.path, { size: 20, mtimeMs: b.mtimeMs }]]);
    expect(names(second.ready)).toEqual(['b.wav']);
  });

  it('treats a file that disappeared and came back as new', () => {
    const a = file('a.wav', 10, 60_000);
    const gone = selectStableFiles(new Map([[a.path, { size: 10, mtimeMs: a.mtimeMs }]]), [], NOW, { minFileAgeMs: MIN_AGE });
    expect(selectStableFiles(gone.snapshot, [a], NOW, { minFileAgeMs: MIN_AGE }).ready).toEqual([]);
  });
});
