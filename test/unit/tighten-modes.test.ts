import { chmodSync, lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tightenModes } from '../../src/files/tighten-modes.ts';

const modeOf = (p: string) => lstatSync(p).mode & 0o777;

describe('tightenModes', () => {
  it('an old, world-readable DATA_DIR becomes 0700/0600 throughout; a symlink target outside is not touched', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'recpipe-modes-'));
    const outside = mkdtempSync(path.join(tmpdir(), 'recpipe-outside-'));
    writeFileSync(path.join(outside, 'theirs.txt'), 'x');
    chmodSync(path.join(outside, 'theirs.txt'), 0o644);
    mkdirSync(path.join(root, 'processed', '2026-11-28'), { recursive: true });
    writeFileSync(path.join(root, 'processed', '2026-11-28', 'call.wav'), 'RIFF');
    writeFileSync(path.join(root, 'pipeline.db'), '');
    symlinkSync(path.join(outside, 'theirs.txt'), path.join(root, 'link'));
    for (const p of [root, path.join(root, 'processed'), path.join(root, 'processed', '2026-11-28')]) chmodSync(p, 0o755);
    for (const p of [path.join(root, 'processed', '2026-11-28', 'call.wav'), path.join(root, 'pipeline.db')]) chmodSync(p, 0o644);

    const changed = await tightenModes(root);
    expect(changed).toHaveLength(5);
    expect([root, path.join(root, 'processed'), path.join(root, 'processed', '2026-11-28')].map(modeOf)).toEqual([0o700, 0o700, 0o700]);
    expect([path.join(root, 'processed', '2026-11-28', 'call.wav'), path.join(root, 'pipeline.db')].map(modeOf)).toEqual([0o600, 0o600]);
    expect(modeOf(path.join(outside, 'theirs.txt'))).toBe(0o644);
    expect(await tightenModes(root)).toEqual([]);
  });

  it('does not walk below a folder that already was owner-only (nothing there is reachable by others)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'recpipe-modes-'));
    mkdirSync(path.join(root, 'processed', 'day'), { recursive: true, mode: 0o700 });
    chmodSync(root, 0o700);
    chmodSync(path.join(root, 'processed'), 0o700);
    writeFileSync(path.join(root, 'processed', 'day', 'call.wav'), 'RIFF', { mode: 0o644 });
    writeFileSync(path.join(root, 'stray.json'), '{}', { mode: 0o644 });
    chmodSync(path.join(root, 'stray.json'), 0o644);
    expect(await tightenModes(root)).toEqual([path.join(root, 'stray.json')]);
  });
});
