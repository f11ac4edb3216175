import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/ledger.ts';
import { PgLedger } from '../../src/ledger/pg-ledger.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import { foundFile } from '../helpers/found-file.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { requireTools } from '../helpers/require-tools.ts';

const tools = await requireTools('postgres');
const NAME = '5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav';
const ID = 'e7c2a98bd0633734';

/** One done recording with the checkpoints the pipeline writes, then erased. */
async function eraseOne(ledger: Ledger): Promise<void> {
  const claimed = (await ledger.claim(foundFile(`Renewals/${NAME}`)))!;
  await ledger.begin(claimed.seq);
  await ledger.setIdentity(claimed.seq, `${ID}${'0'.repeat(48)}`, ID);
  await ledger.saveCheckpoint(`#${claimed.seq}`, 'move', JSON.stringify({ from: `/in/Renewals/${NAME}`, to: `/data/processed/2026-11-30/${NAME}` }));
  await ledger.saveCheckpoint(ID, 'audio-redacted', JSON.stringify({ mode: 'mute', spans: [{ start: 1, end: 2 }] }));
  await ledger.saveCheckpoint(ID, 'publish:files', '/data/transcripts/x.json');
  await ledger.setLocalPath(claimed.seq, `/data/processed/2026-11-30/${NAME}`);
  await ledger.finish(claimed.seq, 'done');

  expect(await ledger.erase(ID)).toBe(1);
  expect([...(await ledger.checkpoints(ID)).keys()].sort()).toEqual(['audio-redacted', 'erased']);
  expect((await ledger.checkpoints(`#${claimed.seq}`)).size).toBe(0);
  const [row] = await ledger.find([ID]);
  expect(row).toMatchObject({ state: 'done', fileName: '[erased]', relativePath: '[erased]', sha256: `${ID}${'0'.repeat(48)}` });
  expect(row!.localPath).toBeUndefined();
  // the same audio under another name is still known: a duplicate, not new work
  const again = (await ledger.claim(foundFile(`again/${NAME}`)))!;
  await ledger.begin(again.seq);
  expect(await ledger.setIdentity(again.seq, `${ID}${'0'.repeat(48)}`, ID)).toEqual({ duplicateOf: ID });
}

describe('Ledger.erase', () => {
  let dir: string;
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'recpipe-ledger-erase-'));
    if (!tools.missing) server = await startPostgres();
  });
  afterAll(async () => {
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('SQLite', async () => {
    const ledger = new SqliteLedger(path.join(dir, 'pipeline.db'));
    try {
      await eraseOne(ledger);
    } finally {
      await ledger.close();
    }
  });

  it.skipIf(tools.missing)('PostgreSQL', async () => {
    const ledger = await PgLedger.connect({ connectionString: await server!.createDatabase('erase'), role: 'processor', leaseMs: 30_000 });
    try {
      await eraseOne(ledger);
    } finally {
      await ledger.close();
    }
  });
});
