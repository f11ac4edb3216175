import { pino } from 'pino';
import { Subject, firstValueFrom, of, toArray, type Observable } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ledger } from '../../src/ledger/ledger.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import type { ClaimedFile, FoundFile } from '../../src/recording.ts';
import { claimedRecordings } from '../../streams/recordings.ts';
import { foundFile } from '../helpers/found-file.ts';

// the real SqliteLedger on :memory: decides what is claimed; the sources are Subjects
const log = pino({ level: 'silent' });

function collect(stream$: Observable<ClaimedFile>): { names: string[]; errors: unknown[]; completed: () => boolean } {
  const names: string[] = [];
  const errors: unknown[] = [];
  let completed = false;
  stream$.subscribe({ next: (f) => names.push(`${f.source}:${f.fileName}`), error: (e: unknown) => errors.push(e), complete: () => (completed = true) });
  return { names, errors, completed: () => completed };
}

/** Lets the ledger's promises settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => vi.useRealTimers());

describe('claimedRecordings', () => {
  it('claims each found file once: a second listing of the same file stops here', async () => {
    const ledger = new SqliteLedger(':memory:');
    const sftp = new Subject<FoundFile>();
    const out = collect(claimedRecordings([sftp], { ledger, log }));
    sftp.next(foundFile('a.wav', { source: 'sftp' }));
    sftp.next(foundFile('b.wav', { source: 'sftp' }));
    sftp.next(foundFile('a.wav', { source: 'sftp' }));
    await settle();
    expect(out.names).toEqual(['sftp:a.wav', 'sftp:b.wav']);
  });

  it('merges every source; the same path in two sources is two files', async () => {
    const ledger = new SqliteLedger(':memory:');
    const inbox = new Subject<FoundFile>();
    const sftp = new Subject<FoundFile>();
    const out = collect(claimedRecordings([inbox, sftp], { ledger, log }));
    inbox.next(foundFile('x.wav', { path: '/same/x.wav' }));
    sftp.next(foundFile('x.wav', { source: 'sftp', path: '/same/x.wav' }));
    await settle();
    expect(out.names.sort()).toEqual(['inbox:x.wav', 'sftp:x.wav']);
  });

  it('takes a changed file (new size or mtime) as new', async () => {
    const ledger = new SqliteLedger(':memory:');
    const inbox = new Subject<FoundFile>();
    const out = collect(claimedRecordings([inbox], { ledger, log }));
    inbox.next(foundFile('a.wav'));
    inbox.next(foundFile('a.wav', { size: 200 }));
    inbox.next(foundFile('a.wav', { mtimeMs: 1_800_000_000_000 }));
    await settle();
    expect(out.names).toEqual(['inbox:a.wav', 'inbox:a.wav', 'inbox:a.wav']);
  });

  it('claims in order, one at a time, so a burst cannot claim the same file twice', async () => {
    const real = new SqliteLedger(':memory:');
    let inClaim = 0;
    let maxInClaim = 0;
    const slow: Ledger = Object.assign(Object.create(real) as Ledger, {
      claim: async (found: FoundFile) => {
        inClaim += 1;
        maxInClaim = Math.max(maxInClaim, inClaim);
        await new Promise((resolve) => setTimeout(resolve, 2));
        try {
          return await real.claim(found);
        } finally {
          inClaim -= 1;
        }
      },
    });
    const files = ['a', 'b', 'a', 'c', 'b'].map((n) => foundFile(`${n}.wav`));
    const names = await firstValueFrom(claimedRecordings([of(...files)], { ledger: slow, log }).pipe(toArray()));
    expect(names.map((f) => f.fileName)).toEqual(['a.wav', 'b.wav', 'c.wav']);
    expect(maxInClaim).toBe(1);
  });

  it('survives a failed claim: that file is skipped (seen again at the next scan), the rest flow', async () => {
    const real = new SqliteLedger(':memory:');
    const flaky: Ledger = Object.assign(Object.create(real) as Ledger, {
      claim: async (found: FoundFile) => {
        if (found.fileName === 'locked.wav') throw new Error('SQLITE_BUSY: database is locked');
        return real.claim(found);
      },
    });
    const inbox = new Subject<FoundFile>();
    const out = collect(claimedRecordings([inbox], { ledger: flaky, log }));
    inbox.next(foundFile('a.wav'));
    inbox.next(foundFile('locked.wav'));
    inbox.next(foundFile('b.wav'));
    await settle();
    expect(out.names).toEqual(['inbox:a.wav', 'inbox:b.wav']);
    expect(out.errors).toEqual([]);
  });

  it('resumes rows left pending by a crash or a shutdown, at start', async () => {
    const ledger = new SqliteLedger(':memory:');
    const left = (await ledger.claim(foundFile('left-over.wav')))!;
    await ledger.release(left.seq);
    const out = collect(claimedRecordings([], { ledger, log }));
    await settle();
    expect(out.names).toEqual(['inbox:left-over.wav']);
    // without sources and a resume interval, the stream ends (run --once)
    expect(out.completed()).toBe(true);
  });

  it('does not resume a row another instance owns, nor one already claimed here', async () => {
    const ledger = new SqliteLedger(':memory:');
    await ledger.claim(foundFile('claimed.wav'));
    const out = collect(claimedRecordings([], { ledger, log }));
    await settle();
    expect(out.names).toEqual([]);
  });

  it('picks up rows put back by `recpipe retry` every resumeIntervalMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'setImmediate'] });
    const ledger = new SqliteLedger(':memory:');
    const out = collect(claimedRecordings([], { ledger, log, resumeIntervalMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(out.names).toEqual([]);
    const file = (await ledger.claim(foundFile('failed.wav')))!;
    await ledger.begin(file.seq);
    await ledger.fail(file.seq, 'transcribe', '401 invalid key');
    await ledger.retry([file.seq]);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(out.names).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out.names).toEqual(['inbox:failed.wav']);
    expect(out.completed()).toBe(false);
  });

  it('sweeps recordings failed by transient errors back in once their retry time has come', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'setImmediate'] });
    let now = 1_000_000;
    const ledger = new SqliteLedger(':memory:', { now: () => now });
    const file = (await ledger.claim(foundFile('outage.wav')))!;
    await ledger.begin(file.seq);
    await ledger.fail(file.seq, 'transcribe', 'gave up after 5 attempts: 503', { retryAt: now + 60_000 });
    const out = collect(claimedRecordings([], { ledger, log, resumeIntervalMs: 30_000 }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(out.names).toEqual([]);
    now += 60_000;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(out.names).toEqual(['inbox:outage.wav']);
  });

  it('keeps resuming after the ledger could not be read once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'setImmediate'] });
    const real = new SqliteLedger(':memory:');
    let broken = true;
    const flaky: Ledger = Object.assign(Object.create(real) as Ledger, {
      sweep: async () => {
        if (broken) throw new Error('SQLITE_IOERR');
        return real.sweep();
      },
    });
    const left = (await real.claim(foundFile('pending.wav')))!;
    await real.release(left.seq);
    const out = collect(claimedRecordings([], { ledger: flaky, log, resumeIntervalMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(out.names).toEqual([]);
    broken = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(out.names).toEqual(['inbox:pending.wav']);
    expect(out.errors).toEqual([]);
  });
});
