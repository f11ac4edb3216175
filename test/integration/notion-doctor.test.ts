import { afterEach, describe, expect, it } from 'vitest';
import { NotionPublisher } from '../../src/publish/notion/notion-publisher.ts';
import { checkNotionDatabase, LATER_PROPERTIES, NOTION_PROPERTIES } from '../../src/publish/notion/notion-schema.ts';
import type { TranscriptDocument } from '../../src/recording.ts';
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
    expect(fixed.lines[0]).toMatch(/^notion: added "Recording ID", "File", .*"Model", "Agent Talk \(s\)", .*"Compliance" to data source "Call transcripts"$/);

    const after = await checkNotionDatabase(target, { fix: false });
    expect(after).toEqual({ ok: true, lines: [expect.stringMatching(/^notion: database "Call transcripts" ok/)] });
    const updates = kit.emulator.requests.filter((r) => r.method === 'PATCH');
    expect(updates).toHaveLength(1);

    // the schema doctor built is the one the publisher writes into, validated strictly
    const publisher = new NotionPublisher({ token: TOKEN, databaseId: kit.databaseId, baseUrl: kit.server.url });
    await publishWithRetry(publisher, makeDoc({ call: { caller: '+15550100', leg: 'ivr', campaign: 'Sales' } }), new CheckpointMemory());
    expect(kit.emulator.pages()[0]?.properties).toMatchObject({ Caller: '+15550100', Leg: 'ivr', Campaign: 'Sales' });
  });

  it('a database from before the talk and insight columns still gets every page; --fix adds them, then they are filled', async () => {
    kit = await startNotion({ schema: 'empty' });
    const firstRelease = Object.fromEntries(Object.entries(NOTION_PROPERTIES).filter(([name]) => !LATER_PROPERTIES.has(name)));
    const { databaseId } = kit.emulator.createDatabase('Old calls', firstRelease);
    const target = { token: TOKEN, databaseId, baseUrl: kit.server.url };
    const extra: Partial<TranscriptDocument> = {
      talk: { kind: 'stereo', durationSeconds: 71.3, speechSeconds: 50, silenceSeconds: 21.3, agentSeconds: 30, callerSeconds: 22, overlapSeconds: 2, longestAgentMonologueSeconds: 12.5, agentInterruptions: 1, callerInterruptions: 2, holds: [{ start: 20, end: 35 }] },
      insights: {
        summary: 'The caller asked about an order. The agent checked it.',
        reason: 'order status',
        outcome: 'follow-up',
        sentiment: { start: 'negative', end: 'neutral' },
        actionItems: ['Call back tomorrow', 'Refund shipping'],
        compliance: [{ phrase: 'this call may be recorded', said: true, quote: 'this call may be recorded' }],
        model: 'gpt-4o-mini',
      },
    };
    const publisher = new NotionPublisher({ token: TOKEN, databaseId, baseUrl: kit.server.url });
    await publishWithRetry(publisher, makeDoc({ id: 'a1b2c3d4e5f60001', ...extra }), new CheckpointMemory());
    const [old] = kit.emulator.pages();
    expect(old?.properties).toMatchObject({ 'Recording ID': 'a1b2c3d4e5f60001' });
    expect(Object.keys(old?.properties ?? {}).filter((name) => LATER_PROPERTIES.has(name))).toEqual([]);

    const report = await checkNotionDatabase(target, { fix: false });
    expect(report.lines).toContain('notion: missing property "Outcome" (select) — run `recpipe doctor --fix` to add it');
    expect((await checkNotionDatabase(target, { fix: true })).ok).toBe(true);

    // a process started after the fix fills the new columns
    const fresh = new NotionPublisher({ token: TOKEN, databaseId, baseUrl: kit.server.url });
    await publishWithRetry(fresh, makeDoc({ id: 'a1b2c3d4e5f60002', ...extra }), new CheckpointMemory());
    expect(kit.emulator.pages()[1]?.properties).toMatchObject({
      'Agent Talk (s)': 30,
      'Caller Talk (s)': 22,
      'Silence (s)': 21.3,
      'Cross-talk (s)': 2,
      'Longest Monologue (s)': 12.5,
      Holds: 1,
      Interruptions: 3,
      Summary: 'The caller asked about an order. The agent checked it.',
      Reason: 'order status',
      Outcome: 'follow-up',
      Sentiment: 'negative → neutral',
      'Action items': '• Call back tomorrow\n• Refund shipping',
      Compliance: '✅ this call may be recorded',
    });
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
