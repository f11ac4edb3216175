import Database from 'better-sqlite3';
import pg from 'pg';
import { migrateSqlite } from '../../src/ledger/sqlite-migrations.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors.ts';
import { LeaseLostError } from '../../src/ledger/lease-lost-error.ts';
import { PgLedger } from '../../src/ledger/pg-ledger.ts';
import type { FoundFile } from '../../src/recording.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('postgres');

let server: TestPostgres;
let databases = 0;
const open: PgLedger[] = [];

beforeAll(async () => {
  if (!tools.missing) server = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const ledger of open) await ledger.close().catch(() => {});
  await server?.dispose();
});

async function freshDatabase(): Promise<string> {
  databases += 1;
  return server.createDatabase(`ledger_${databases}`);
}
async function processor(url: string, leaseMs = 30_000): Promise<PgLedger> {
  const ledger = await PgLedger.connect({ connectionString: url, role: 'processor', leaseMs });
  open.push(ledger);
  return ledger;
}
const file = (name: string, size = 100): FoundFile => ({
  source: 'sftp',
  path: `/calls/11_30_2026/${name}`,
  relativePath: `11_30_2026/${name}`,
  fileName: name,
  size,
  mtimeMs: 1_796_000_000_000,
});
/** A paused VM: its leases run out while it sleeps (moved into the past on the database clock). */
async function expireLeases(url: string, owner: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('UPDATE recordings SET lease_until = 0 WHERE owner = $1', [owner]);
  await client.end();
}

tools.describe('PgLedger: one ledger for several instances', () => {
  it('migrates once when instances start together, and claims each new file once', async () => {
    const url = await freshDatabase();
    const [a, b, c] = await Promise.all([processor(url), processor(url), processor(url)]);
    const claims = await Promise.all([a!, b!, c!].map((ledger) => ledger.claim(file('race.wav'))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    // known files are never claimed again, by anyone
    expect(await a!.claim(file('race.wav'))).toBeUndefined();
    const status = await a!.status();
    expect(status.counts.pending).toBe(1);
    expect(status.instances.filter((i) => i.alive)).toHaveLength(3);
    expect(status.instances.reduce((sum, i) => sum + i.held, 0)).toBe(1);
  });

  it('claims only what its stages can hold: the rest stays pending for any instance', async () => {
    const url = await freshDatabase();
    const full = await PgLedger.connect({ connectionString: url, role: 'processor', maxHeld: 2 });
    open.push(full);
    const other = await processor(url);
    const claimed = [];
    for (let i = 0; i < 5; i++) claimed.push(await full.claim(file(`cap${i}.wav`)));
    expect(claimed.filter(Boolean)).toHaveLength(2);
    expect((await full.status()).counts.pending).toBe(5); // the three beyond the cap are recorded, unowned
    expect(await full.claimPending()).toEqual([]);
    expect((await other.claimPending()).map((f) => f.fileName).sort()).toEqual(['cap2.wav', 'cap3.wav', 'cap4.wav']);
    // room again once one is finished
    await full.begin(claimed[0]!.seq);
    await full.finish(claimed[0]!.seq, 'done');
    expect(await full.claim(file('cap5.wav'))).toBeDefined();
  });

  it('splits pending work between instances with SKIP LOCKED, nothing twice', async () => {
    const url = await freshDatabase();
    const seed = await processor(url);
    for (let i = 0; i < 40; i++) {
      const claimed = await seed.claim(file(`r${i}.wav`));
      await seed.release(claimed!.seq);
    }
    const [a, b] = await Promise.all([processor(url), processor(url)]);
    const [fromA, fromB] = await Promise.all([a!.claimPending(), b!.claimPending()]);
    const seqs = [...fromA, ...fromB].map((f) => f.seq);
    expect(new Set(seqs).size).toBe(40);
    expect(seqs).toHaveLength(40);
  });

  it("resumes a dead instance's recording after its lease, and the paused owner stops before writing anything further", async () => {
    const url = await freshDatabase();
    const a = await processor(url);
    const b = await processor(url);
    const claimed = await a.claim(file('paused.wav'));
    await a.begin(claimed!.seq);
    await a.setIdentity(claimed!.seq, 'ab'.repeat(32), 'abababababababab');
    await a.saveCheckpoint('abababababababab', 'transcript:0', '{"paid":true}');

    // a live lease is not taken, by claimPending or recover
    expect(await b.claimPending()).toEqual([]);
    expect(await b.recover()).toBe(0);

    await expireLeases(url, a.owner);
    const resumed = await b.claimPending();
    expect(resumed.map((f) => f.seq)).toEqual([claimed!.seq]);
    expect(await b.begin(claimed!.seq)).toBe(2);
    // b resumes from a's checkpoint: nothing paid twice
    expect((await b.checkpoints('abababababababab')).get('transcript:0')).toBe('{"paid":true}');

    // a wakes up: every write for that recording is refused
    await expect(a.saveCheckpoint('abababababababab', 'publish:notion', 'page-1')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(a.setLocalPath(claimed!.seq, '/a/work/x')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(a.finish(claimed!.seq, 'done')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(a.fail(claimed!.seq, 'publish', 'x')).rejects.toBeInstanceOf(LeaseLostError);
    await a.release(claimed!.seq); // never hands back what is no longer its own
    expect((await b.get(claimed!.seq))?.state).toBe('processing');

    await b.finish(claimed!.seq, 'done');
    expect((await a.get(claimed!.seq))?.state).toBe('done');
    expect((await a.checkpoints('abababababababab')).has('publish:notion')).toBe(false);
  });

  it('keeps leases alive with the heartbeat, and hands claims back on a clean close', async () => {
    const url = await freshDatabase();
    const a = await processor(url, 600);
    const b = await processor(url, 600);
    const claimed = await a.claim(file('long.wav'));
    await a.begin(claimed!.seq);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // > 2 leases: only the heartbeat keeps it
    expect(await b.claimPending()).toEqual([]);
    await a.close();
    open.splice(open.indexOf(a), 1);
    expect((await b.claimPending()).map((f) => f.seq)).toEqual([claimed!.seq]);
    const status = await b.status();
    expect(status.instances.map((i) => i.id)).toEqual([b.owner]);
  });

  it('keeps the same meanings as the SQLite ledger: duplicates by content, failures, sweep, retry', async () => {
    const url = await freshDatabase();
    const a = await processor(url);
    const first = await a.claim(file('one.wav'));
    const second = await a.claim(file('copy.wav'));
    await a.begin(first!.seq);
    expect(await a.setIdentity(first!.seq, 'cd'.repeat(32), 'cdcdcdcdcdcdcdcd')).toEqual({});
    await a.begin(second!.seq);
    expect(await a.setIdentity(second!.seq, 'cd'.repeat(32), 'cdcdcdcdcdcdcdcd')).toEqual({ duplicateOf: 'cdcdcdcdcdcdcdcd' });
    await a.finish(second!.seq, 'duplicate', { duplicateOf: 'cdcdcdcdcdcdcdcd' });
    await a.fail(first!.seq, 'transcribe', 'gave up', { retryAt: Date.now() - 1 });
    expect((await a.failedRows()).map((r) => r.seq)).toEqual([first!.seq]);
    expect(await a.sweep()).toBe(1);
    const row = await a.get(first!.seq);
    expect(row).toMatchObject({ state: 'pending', attempts: 0, sweeps: 1 });
    expect((await a.find(['cdcdcdcdcdcdcdcd'])).map((r) => r.seq).sort()).toEqual([first!.seq, second!.seq].sort());
  });

  it('has the same tables and columns as the SQLite ledger, from the one list of migrations', async () => {
    const url = await freshDatabase();
    await processor(url);
    const sqlite = new Database(':memory:');
    migrateSqlite(sqlite);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const table of ['recordings', 'checkpoints', 'source_walks', 'settled_folders']) {
      const lite = (sqlite.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name).sort();
      const { rows } = await client.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table]);
      const postgresColumns = rows.map((r) => r.column_name).filter((c) => c !== 'lease_until').sort();
      expect(postgresColumns, table).toEqual(lite);
    }
    const { rows } = await client.query<{ version: number }>('SELECT version FROM recpipe_schema');
    expect(rows[0]?.version).toBe(sqlite.pragma('user_version', { simple: true }));
    await client.end();
    sqlite.close();
  });

  it('stores the SFTP walk history for every instance', async () => {
    const url = await freshDatabase();
    const a = await processor(url);
    const b = await processor(url);
    await a.sourceHistory('sftp').writeRecord({ lastFullWalk: { at: 5, full: true, foldersListed: 3, filesListed: 9, foldersSkipped: 0, durationMs: 12 } });
    expect((await b.sourceHistory('sftp').readRecord()).lastFullWalk?.at).toBe(5);
    await a.sourceHistory('sftp').updateFolders(['Sales/10_1_2026', 'Sales/10_2_2026'], []);
    await b.sourceHistory('sftp').updateFolders([], ['Sales/10_2_2026']);
    expect([...(await a.sourceHistory('sftp').settledFolders())]).toEqual(['Sales/10_1_2026']);
    const claimed = await a.claim({ ...file('x.wav'), path: '/calls/Sales/10_1_2026/x.wav' });
    await a.claim({ ...file('y.wav'), path: '/calls/Sales/10_1_20260/y.wav' });
    await a.begin(claimed!.seq);
    await a.finish(claimed!.seq, 'done');
    const states = await b.sourceHistory('sftp').fileStatesUnder('/calls/Sales/10_1_2026');
    expect([...states.values()]).toEqual(['done']);
  });

  it('says what is wrong with a bad DATABASE_URL in one line, transient when PostgreSQL is down', async () => {
    const down = await PgLedger.connect({ connectionString: `postgres://postgres@127.0.0.1:1/x`, role: 'reader' }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(TransientError);
    expect((down as Error).message).toMatch(/^PostgreSQL connect: .*ECONNREFUSED/);
    const missing = await PgLedger.connect({ connectionString: server.url.replace(/\/[^/]*$/, '/no_such_db'), role: 'reader' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PermanentError);
    expect((missing as Error).message).toContain('no_such_db');
  });

  it('survives a PostgreSQL restart: queries fail as transient while it is down, then work again', async () => {
    const url = await freshDatabase();
    const a = await processor(url);
    const claimed = await a.claim(file('restart.wav'));
    await a.begin(claimed!.seq);
    await server.stop();
    await expect(a.saveCheckpoint('x', 'y', 'z')).rejects.toBeInstanceOf(TransientError);
    await server.start();
    await a.setIdentity(claimed!.seq, 'ef'.repeat(32), 'efefefefefefefef');
    await a.saveCheckpoint('efefefefefefefef', 'audio', '{}');
    await a.finish(claimed!.seq, 'done');
    expect((await a.get(claimed!.seq))?.state).toBe('done');
  });
});
