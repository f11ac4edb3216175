import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/ledger.ts';
import { PgLedger } from '../../src/ledger/pg-ledger.ts';
import type { RecordingIndex } from '../../src/ledger/recording-index.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { requireTools } from '../helpers/require-tools.ts';

// One contract for the console's RecordingIndex on both ledgers: SQLite (FTS5) and PostgreSQL (tsvector).

const tools = await requireTools('postgres');

/** Three published recordings, one failed and one pending row; returns the seqs by name. */
async function seed(ledger: Ledger, index: RecordingIndex): Promise<Record<string, number>> {
  const seqs: Record<string, number> = {};
  const rows: Array<[string, string | undefined, 'done' | 'failed' | 'pending']> = [
    ['sales.wav', 'a1a1a1a1a1a1a1a1', 'done'],
    ['renewals.wav', 'b2b2b2b2b2b2b2b2', 'done'],
    ['refunds.wav', 'c3c3c3c3c3c3c3c3', 'done'],
    ['broken.wav', undefined, 'failed'],
    ['waiting.wav', undefined, 'pending'],
  ];
  for (const [name, id, state] of rows) {
    const claimed = await ledger.claim({ source: 'inbox', path: `/in/${name}`, relativePath: name, fileName: name, size: 10, mtimeMs: 1 });
    seqs[name] = claimed!.seq;
    if (state === 'pending') {
      await ledger.release(claimed!.seq);
      continue;
    }
    await ledger.begin(claimed!.seq);
    if (id) await ledger.setIdentity(claimed!.seq, id.padEnd(64, '0'), id);
    if (state === 'done') await ledger.finish(claimed!.seq, 'done');
    else await ledger.fail(claimed!.seq, 'transcribe', 'bad audio');
  }
  await index.put({ id: 'a1a1a1a1a1a1a1a1', agent: 'alice@example.com', campaign: 'Sales', caller: '5550001111', callTime: '2026-11-02T15:04:00.000Z', text: 'Thanks for calling about the refund. My card is [card number].' });
  await index.put({ id: 'b2b2b2b2b2b2b2b2', agent: 'bob@example.com', campaign: 'Renewals', callTime: '2026-11-05T09:00:00.000Z', text: 'Your subscription renewal is due; Ünïcode café' });
  await index.put({ id: 'c3c3c3c3c3c3c3c3', agent: 'Alice.Smith@example.com', campaign: 'Sales', callTime: '2026-11-05T23:59:00.000Z', text: 'first version' });
  // a second put replaces the entry (a re-published transcript), it does not add one
  await index.put({ id: 'c3c3c3c3c3c3c3c3', agent: 'Alice.Smith@example.com', campaign: 'Sales', callTime: '2026-11-05T23:59:00.000Z', text: 'a refund for a damaged parcel' });
  return seqs;
}

function contract(name: string, open: () => Promise<{ ledger: Ledger; close: () => Promise<void> }>, guard: { describe: (n: string, b: () => void) => void } = { describe }) {
  guard.describe(`RecordingIndex contract: ${name}`, () => {
    let ledger: Ledger;
    let index: RecordingIndex;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ ledger, close } = await open());
      index = ledger.recordingIndex!();
      await seed(ledger, index);
    }, 120_000);
    afterAll(async () => close?.());

    const names = async (filter: Parameters<RecordingIndex['list']>[0], page = { offset: 0, limit: 50 }) =>
      (await index.list(filter, page)).items.map((item) => item.row.fileName);

    it('lists every ledger row newest first, with the indexed metadata joined', async () => {
      const { items, total } = await index.list({}, { offset: 0, limit: 50 });
      expect(total).toBe(5);
      expect(items.map((i) => i.row.fileName)).toEqual(['waiting.wav', 'broken.wav', 'refunds.wav', 'renewals.wav', 'sales.wav']);
      expect(items.at(-1)).toMatchObject({ agent: 'alice@example.com', campaign: 'Sales', caller: '5550001111', callTime: '2026-11-02T15:04:00.000Z', row: { state: 'done' } });
      expect(items[0]!.agent).toBeUndefined();
      expect(await index.size()).toBe(3);
    });

    it('filters by state, agent substring (any case, no wildcards), campaign and day range', async () => {
      expect(await names({ state: 'failed' })).toEqual(['broken.wav']);
      expect(await names({ agent: 'ALICE' })).toEqual(['refunds.wav', 'sales.wav']);
      expect(await names({ agent: '%' })).toEqual([]);
      expect(await names({ agent: '_' })).toEqual([]);
      expect(await names({ campaign: 'Sales' })).toEqual(['refunds.wav', 'sales.wav']);
      expect(await names({ fromDay: '2026-11-05', toDay: '2026-11-05' })).toEqual(['refunds.wav', 'renewals.wav']);
      expect(await names({ toDay: '2026-11-04', state: 'done' })).toEqual(['sales.wav']);
    });

    it('searches words and prefixes of the redacted text; every word must occur', async () => {
      expect(await names({ text: 'refund' })).toEqual(['refunds.wav', 'sales.wav']);
      expect(await names({ text: 'REFUND parcel' })).toEqual(['refunds.wav']);
      expect(await names({ text: 'renew' })).toEqual(['renewals.wav']);
      expect(await names({ text: 'card number' })).toEqual(['sales.wav']);
      expect(await names({ text: 'first' })).toEqual([]);
      expect(await names({ text: 'café' })).toEqual(['renewals.wav']);
      expect(await names({ text: 'refund', campaign: 'Sales', agent: 'smith' })).toEqual(['refunds.wav']);
    });

    it('treats query syntax and SQL as plain words', async () => {
      for (const text of ['"', "refund' OR 1=1 --", 'refund | renewal', 'refund & !parcel', 'NEAR(refund parcel)', '*', ':*', '(', '\\']) {
        const found = await names({ text });
        expect(found.every((n) => ['refunds.wav', 'sales.wav', 'renewals.wav'].includes(n)), text).toBe(true);
      }
      expect(await names({ text: 'refund | renewal' })).toEqual([]);
      expect(await names({ text: '!!!' })).toEqual([]);
    });

    it('pages with a total of every match', async () => {
      const first = await index.list({}, { offset: 0, limit: 2 });
      const second = await index.list({}, { offset: 2, limit: 2 });
      expect(first.total).toBe(5);
      expect([...first.items, ...second.items].map((i) => i.row.fileName)).toEqual(['waiting.wav', 'broken.wav', 'refunds.wav', 'renewals.wav']);
    });

    it('returns one entry and the facets for the filter form', async () => {
      expect(await index.entry('b2b2b2b2b2b2b2b2')).toEqual({ id: 'b2b2b2b2b2b2b2b2', agent: 'bob@example.com', campaign: 'Renewals', callTime: '2026-11-05T09:00:00.000Z', caller: undefined });
      expect(await index.entry('ffffffffffffffff')).toBeUndefined();
      // sorted here: the database's collation decides the order of 'Alice…' and 'alice…'
      const facets = await index.facets(10);
      expect([...facets.agents].sort()).toEqual(['Alice.Smith@example.com', 'alice@example.com', 'bob@example.com'].sort());
      expect(facets.campaigns).toEqual(['Renewals', 'Sales']);
    });
  });
}

contract('SQLite (FTS5)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'recpipe-index-'));
  const ledger = new SqliteLedger(path.join(dir, 'pipeline.db'));
  return { ledger, close: async () => (await ledger.close(), await rm(dir, { recursive: true, force: true })) };
});

let server: TestPostgres | undefined;
afterAll(async () => server?.dispose());
contract(
  'PostgreSQL (tsvector)',
  async () => {
    server = await startPostgres();
    const ledger = await PgLedger.connect({ connectionString: await server.createDatabase('console_index'), role: 'processor', leaseMs: 30_000 });
    return { ledger, close: () => ledger.close() };
  },
  tools,
);
