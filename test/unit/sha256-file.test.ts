import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/files/sha256-file.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'recpipe-sha-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sha256File', () => {
  it('hashes a file in bounded reads, never the whole file at once', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const file = path.join(dir, 'call.wav');
    await writeFile(file, content);
    const reads: number[] = [];
    const digest = await sha256File(file, undefined, (bytes) => reads.push(bytes));
    expect(digest).toBe(createHash('sha256').update(content).digest('hex'));
    expect(reads.reduce((a, b) => a + b, 0)).toBe(content.length);
    expect(Math.max(...reads)).toBeLessThanOrEqual(256 * 1024);
    expect(reads.length).toBeGreaterThan(10);
  });

  it('stops when aborted', async () => {
    const file = path.join(dir, 'big.wav');
    await writeFile(file, randomBytes(1024 * 1024));
    const controller = new AbortController();
    controller.abort();
    await expect(sha256File(file, controller.signal)).rejects.toThrow(/abort/i);
  });
});
