import { afterEach, describe, expect, it } from 'vitest';
import { NotionPublisher } from '../../src/publish/notion/notion-publisher.ts';
import { checkNotionDatabase, NOTION_PROPERTIES } from '../../src/publish/notion/notion-schema.ts';
import { CheckpointMemory, TOKEN, makeDoc, publishWithRetry, startNotion, type NotionKit } from './notion-test-kit.ts';

let kit: NotionKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

describe('checkNotionDatabase (recpipe doctor) against the Notion emulator', () => {
  it('lists the missing properties of an empty database, --fix adds them, then it is ok', async () => {
    kit = await startNotion({ schema: 'empty' });
    const target = { token: TOKEN, databaseId: kit.databaseId, baseUrl: kit.server.url };

    const before = await checkNotionDatabase(target, { fix: false });
    expect(before.ok).toBe(false);
    expect(before.lines).toHaveLength(Object.keys(NOTION_PROPERTIES).length - 1);
    expect(before.lines).toContain('notion: missing property "Recording ID" (rich_text) — run `recpipe doctor --fix` to add it');
    expect(before.lines).toContain('notion: missing property "Caller" (phone_number) — run `recpipe doctor --fix` to add it');
    expect(before.lines.join('\n')).not.toContain('"Name"');

    const fixed = await checkNotionDatabase(target, { fix: true });
    expect(fixed.ok).toBe(true);
    expect(fixed.lines[0]).toMatch(/^notion: added "Recording ID", "File", .*"Model" to data source "Call transcripts"$/);

    const after = await checkNotionDatabase(target, { fix: false });
    expect(after).toEqual({ ok: true, lines: [expect.stringMatching(/^notion: database "Call transcripts" ok/)] });
    const updates = kit.emulator.requests.filter((r) => r.method === 'PATCH');
    expect(updates).toHaveLength(1);

    // the schema doctor built is the one the publisher writes into, validated strictly
    const publisher = new NotionPublisher({ token: TOKEN, databaseId: kit.databaseId, baseUrl: kit.server.url });
    await publishWithRetry(publisher, makeDoc({ call: { caller: '+15550100', leg: 'ivr', campaign: 'Sales' } }), new CheckpointMemory());
    expect(kit.emulator.pages()[0]?.properties).toMatchObject({ Caller: '+15550100', Leg: 'ivr', Campaign: 'Sales' });
  });

  it('renames a title column that is not called Name, and reports mistyped columns without touching them', async () => {
    kit = await startNotion({ schema: 'empty' });
    const { databaseId } = kit.emulator.createDatabase('Calls', { Title: { title: {} }, Caller: { rich_text: {} } });
    const target = { token: TOKEN, databaseId, baseUrl: kit.server.url };
    const report = await checkNotionDatabase(target, { fix: true });
    expect(report.ok).toBe(false);
    expect(report.lines).toEqual([
      expect.stringMatching(/^notion: added "Name", "Recording ID"/),
      'notion: property "Caller" is rich_text, expected phone_number — change or rename it in Notion',
    ]);
    const dataSource = kit.emulator.store.dataSources.values();
    const columns = [...dataSource].find((d) => d.databaseId === databaseId)?.properties ?? [];
    expect(columns.find((p) => p.type === 'title')?.name).toBe('Name');
    expect(columns.find((p) => p.name === 'Caller')?.type).toBe('rich_text');
  });

  it('reports an unusable token or database on one line', async () => {
    kit = await startNotion();
    const wrongToken = await checkNotionDatabase({ token: 'ntn_wrong', databaseId: kit.databaseId, baseUrl: kit.server.url }, { fix: false });
    expect(wrongToken).toEqual({ ok: false, lines: [expect.stringMatching(/^notion: cannot check database .*401 unauthorized/)] });
    const missing = await checkNotionDatabase({ token: TOKEN, databaseId: '00000000000000000000000000000000', baseUrl: kit.server.url }, { fix: false });
    expect(missing.lines[0]).toMatch(/404 object_not_found: Could not find database/);
  });
});
