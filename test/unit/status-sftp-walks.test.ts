import { afterEach, describe, expect, it, vi } from 'vitest';
import { statusCommand } from '../../src/commands/status.ts';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';

afterEach(() => vi.restoreAllMocks());

describe('recpipe status: the SFTP walk cost', () => {
  it('shows the last full walk and the last poll, and puts both in --json', async () => {
    const ledger = new SqliteLedger(':memory:');
    const history = ledger.sourceHistory('sftp');
    const full = { at: Date.UTC(2026, 10, 30, 3), full: true, foldersListed: 2006, filesListed: 100_200, foldersSkipped: 0, durationMs: 4300 };
    const recent = { at: Date.UTC(2026, 10, 30, 3, 1), full: false, foldersListed: 10, filesListed: 200, foldersSkipped: 2000, durationMs: 150 };
    await history.writeRecord({ lastFullWalk: full, lastWalk: recent });
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));

    await statusCommand(ledger, { json: false });
    expect(lines).toContain('sftp last full walk: 2026-11-30T03:00:00.000Z: 2006 folders and 100200 files listed in 4.30 s');
    expect(lines).toContain('sftp last poll: 2026-11-30T03:01:00.000Z: 10 folders and 200 files listed in 0.15 s, 2000 settled day folders left for the next full walk');

    lines.length = 0;
    await statusCommand(ledger, { json: true });
    expect(JSON.parse(lines.join('\n')).sftpWalks).toEqual({ lastFullWalk: full, lastWalk: recent });
    await ledger.close();
  });

  it('says nothing about SFTP walks when SFTP never polled', async () => {
    const ledger = new SqliteLedger(':memory:');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    await statusCommand(ledger, { json: false });
    expect(lines.join('\n')).not.toContain('sftp');
    await statusCommand(ledger, { json: true });
    expect(lines.join('\n')).not.toContain('sftpWalks');
    await ledger.close();
  });
});
