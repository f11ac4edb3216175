import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { foundFile } from '../helpers/found-file.ts';

const found = foundFile;

const tempDb = () => path.join(mkdtempSync(path.join(tmpdir(), 'recpipe-ledger-')), 'pipeline.db');

describe('SqliteLedger', () => {
  it('claims a file once; the same path, size and mtime is never claimed again', async () => {
    const ledger = new SqliteLedger(':memory:');
    const first = await ledger.claim(found('a.wav'));
    expect(first).toMatchObject({ seq: 1, attempts: 0, fileName: 'a.wav' });
    expect(await ledger.claim(found('a.wav'))).toBeUndefined();
    // a changed file (new size or mtime) is a new row
    expect(await ledger.claim(found('a.wav', { size: 101 }))).toMatchObject({ seq: 2 });
    // the same path from another source is another file
    expect(await ledger.claim(found('a.wav', { source: 'sftp' }))).toMatchObject({ seq: 3 });
  });

  it('walks pending → processing → done and counts attempts', async () => {
    const ledger = new SqliteLedger(':memory:');
    const file = (await ledger.claim(found('a.wav')))!;
    expect(await ledger.begin(file.seq)).toBe(1);
    expect((await ledger.get(file.seq))?.state).toBe('processing');
    await ledger.noteError(file.seq, 'transcribe', '429 rate limited');
    expect(await ledger.begin(file.seq)).toBe(2);
    await ledger.finish(file.seq, 'done');
    const row = await ledger.get(file.seq);
    expect(row).toMatchObject({ state: 'done', attempts: 2 });
    expect(row?.lastError).toBeUndefined();
    expect(row?.finishedAt).toBeTypeOf('number');
  });

  it('detects the same audio under another name as a duplicate', async () => {
    const ledger = new SqliteLedger(':memory:');
    const a = (await ledger.claim(found('a.wav')))!;
    const b = (await ledger.claim(found('copy of a.wav')))!;
    await ledger.begin(a.seq);
    expect(await ledger.setIdentity(a.seq, 'ab'.repeat(32), 'abababababababab')).toEqual({});
    await ledger.begin(b.seq);
    expect(await ledger.setIdentity(b.seq, 'ab'.repeat(32), 'abababababababab')).toEqual({ duplicateOf: 'abababababababab' });
  });

  it('does not treat a failed earlier copy as a duplicate: the new one is processed', async () => {
    const ledger = new SqliteLedger(':memory:');
    const a = (await ledger.claim(found('a.wav')))!;
    await ledger.setIdentity(a.seq, 'cd'.repeat(32), 'cdcdcdcdcdcdcdcd');
    await ledger.fail(a.seq, 'transcribe', 'boom');
    const b = (await ledger.claim(found('again.wav')))!;
    expect(await ledger.setIdentity(b.seq, 'cd'.repeat(32), 'cdcdcdcdcdcdcdcd')).toEqual({});
  });

  it('keeps checkpoints per recording id, last write wins', async () => {
    const ledger = new SqliteLedger(':memory:');
    await ledger.saveCheckpoint('r1', 'transcript:0', '{"a":1}');
    await ledger.saveCheckpoint('r1', 'publish:notion', 'partial:{"pageId":"p"}');
    await ledger.saveCheckpoint('r1', 'publish:notion', 'p');
    expect(Object.fromEntries(await ledger.checkpoints('r1'))).toEqual({ 'transcript:0': '{"a":1}', 'publish:notion': 'p' });
    expect((await ledger.checkpoints('r2')).size).toBe(0);
  });

  it('after a crash, rows left processing or claimed are pending again and claimable', async () => {
    const file = tempDb();
    const before = new SqliteLedger(file, { owner: 'old' });
    const a = (await before.claim(found('a.wav')))!;
    const b = (await before.claim(found('b.wav')))!;
    const c = (await before.claim(found('c.wav')))!;
    await before.begin(a.seq);
    await before.begin(c.seq);
    await before.finish(c.seq, 'done');
    // no close(): as if the process was killed

    const after = new SqliteLedger(file, { owner: 'new' });
    expect(await after.recover()).toBe(2);
    expect((await after.get(a.seq))?.state).toBe('pending');
    const resumed = await after.claimPending();
    expect(resumed.map((r) => r.fileName)).toEqual(['a.wav', 'b.wav']);
    expect(resumed[0]?.attempts).toBe(1);
    // claimed now: a rescan finding the same files does not claim them twice
    expect(await after.claim(found('a.wav'))).toBeUndefined();
    expect(await after.claimPending()).toEqual([]);
    expect((await after.get(b.seq))?.state).toBe('pending');
    await after.close();
  });

  it('retry puts failed rows back to pending with attempts reset', async () => {
    const ledger = new SqliteLedger(':memory:');
    const a = (await ledger.claim(found('a.wav')))!;
    await ledger.begin(a.seq);
    await ledger.setIdentity(a.seq, 'ef'.repeat(32), 'efefefefefefefef');
    await ledger.fail(a.seq, 'probe', 'not an audio file');
    expect((await ledger.find(['efefefefefefefef'])).map((r) => r.seq)).toEqual([a.seq]);
    expect((await ledger.find([String(a.seq)])).map((r) => r.seq)).toEqual([a.seq]);
    const changed = await ledger.retry([a.seq]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ state: 'pending', attempts: 0 });
    // only failed rows are retried
    expect(await ledger.retry([a.seq])).toEqual([]);
    expect((await ledger.claimPending()).map((r) => r.seq)).toEqual([a.seq]);
  });

  it('reports counts, failures with reasons and the oldest pending age', async () => {
    let now = 1_000_000;
    const ledger = new SqliteLedger(':memory:', { now: () => now });
    const a = (await ledger.claim(found('a.wav')))!;
    const b = (await ledger.claim(found('b.wav')))!;
    await ledger.fail(b.seq, 'probe', 'empty file (0 bytes)');
    now += 42_000;
    const status = await ledger.status();
    expect(status.counts).toMatchObject({ pending: 1, failed: 1, done: 0 });
    expect(status.latestFailures[0]).toMatchObject({ fileName: 'b.wav', stage: 'probe', lastError: 'empty file (0 bytes)' });
    expect(status.oldestPendingAgeSeconds).toBe(42);
    await ledger.finish(a.seq, 'done');
    expect(await ledger.oldestPendingAgeSeconds()).toBe(0);
  });

  it('survives a reopen: migrations are applied once', async () => {
    const file = tempDb();
    const first = new SqliteLedger(file);
    await first.claim(found('a.wav'));
    await first.close();
    const second = new SqliteLedger(file);
    expect((await second.status()).counts.pending).toBe(1);
    await second.close();
  });
});

describe('SqliteLedger sweep of transient failures', () => {
  it('puts a transient failure back to pending when its time has come, once per failure', async () => {
    let now = 5_000_000;
    const ledger = new SqliteLedger(':memory:', { now: () => now });
    const a = (await ledger.claim(found('a.wav')))!;
    const b = (await ledger.claim(found('b.wav')))!;
    await ledger.begin(a.seq);
    await ledger.fail(a.seq, 'transcribe', 'gave up after 5 attempts: 503', { retryAt: now + 60_000 });
    await ledger.fail(b.seq, 'probe', 'not an audio file');
    expect(await ledger.sweep()).toBe(0);
    now += 60_000;
    expect(await ledger.sweep()).toBe(1);
    expect(await ledger.get(a.seq)).toMatchObject({ state: 'pending', attempts: 0, sweeps: 1, retryAt: undefined });
    expect((await ledger.get(b.seq))?.state).toBe('failed'); // permanent failures wait for an operator
    expect((await ledger.claimPending()).map((r) => r.seq)).toEqual([a.seq]);
    await ledger.finish(a.seq, 'done');
    expect((await ledger.get(a.seq))?.sweeps).toBe(0);
  });
});
