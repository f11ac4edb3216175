import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.ts';
import type { FoundFile } from '../../src/recording.ts';
import { type ListedEntry, walkRemoteTree } from '../../src/sftp/remote-walk.ts';
import { WalkPlanner } from '../../src/sftp/walk-planner.ts';

const DAY = 86_400_000;
// 2026-11-30 15:00 UTC = 10:00 in New York
const NOW = Date.UTC(2026, 10, 30, 15);
const dir = (name: string): ListedEntry => ({ type: 'd', name, size: 4096, modifyTime: 0 });
const wav = (name: string): ListedEntry => ({ type: '-', name, size: 10, modifyTime: NOW - 40 * DAY });

let ledger: SqliteLedger;
let tree: Record<string, ListedEntry[]>;
let listed: string[];

beforeEach(() => {
  ledger = new SqliteLedger(':memory:');
  listed = [];
  tree = {
    '/rec': [dir('Sales'), dir('misc')],
    '/rec/Sales': [dir('11_30_2026'), dir('11_27_2026'), dir('11_26_2026'), dir('10_31_2026'), dir('2_30_2026')],
    '/rec/Sales/11_30_2026': [wav('today.wav')],
    '/rec/Sales/11_27_2026': [wav('three-days.wav')],
    '/rec/Sales/11_26_2026': [wav('four-days.wav')],
    '/rec/Sales/10_31_2026': [wav('old.wav'), dir('sub')],
    '/rec/Sales/10_31_2026/sub': [wav('deep.wav')],
    '/rec/Sales/2_30_2026': [wav('not-a-date.wav')],
    '/rec/misc': [wav('loose.wav')],
  };
});
afterEach(async () => ledger.close());

const planner = (recentDays = 3, fullScanIntervalMs = DAY) =>
  new WalkPlanner(ledger.sourceHistory('sftp'), { recentDays, fullScanIntervalMs, timeZone: 'America/New_York' }, '/rec');

async function poll(at: number, p = planner()) {
  const plan = await p.plan(at);
  listed = [];
  const files = await walkRemoteTree(
    '/rec',
    async (folder) => {
      listed.push(folder);
      return tree[folder] ?? [];
    },
    { skipFolder: plan.skipFolder, onFolderListed: plan.onFolderListed },
  );
  const stats = await plan.finish(files, 5);
  return { files, stats };
}

/** What the pipeline does to a found file: claim it, and finish it. */
async function finishAll(files: readonly { path: string; relativePath: string; fileName: string; size: number; mtimeMs: number }[]) {
  for (const file of files) {
    const found: FoundFile = { source: 'sftp', ...file };
    const claimed = await ledger.claim(found);
    if (!claimed) continue;
    await ledger.begin(claimed.seq);
    await ledger.finish(claimed.seq, 'done');
  }
}

describe('WalkPlanner: polls whose cost does not grow with history', () => {
  it('walks everything first, then leaves out old day folders once every file in them is done', async () => {
    const first = await poll(NOW);
    expect(first.stats).toMatchObject({ full: true, foldersListed: 9, filesListed: 7, foldersSkipped: 0 });

    // found but not finished yet: old folders stay listed
    const second = await poll(NOW + 60_000);
    expect(second.stats).toMatchObject({ full: false, foldersListed: 9, foldersSkipped: 0 });

    await finishAll(first.files);
    await poll(NOW + 120_000); // lists them once more and finds them settled
    const settled = await poll(NOW + 180_000);
    expect(settled.stats).toMatchObject({ full: false, foldersSkipped: 2, filesListed: 4 });
    // 11_26 is four days old: old, settled and skipped with its whole subtree; 3 days is still recent
    expect(listed).not.toContain('/rec/Sales/11_26_2026');
    expect(listed).not.toContain('/rec/Sales/10_31_2026');
    expect(listed).not.toContain('/rec/Sales/10_31_2026/sub');
    expect(listed).toEqual(expect.arrayContaining(['/rec', '/rec/Sales', '/rec/misc', '/rec/Sales/11_30_2026', '/rec/Sales/11_27_2026', '/rec/Sales/2_30_2026']));
  });

  it('skips nothing in a full walk, at most once per interval, and the record survives a restart', async () => {
    await finishAll((await poll(NOW)).files);
    await poll(NOW + 60_000);
    // a new planner (a cron `run --once`) reads the last full walk from the ledger
    const between = await poll(NOW + DAY - 60_000, planner());
    expect(between.stats.full).toBe(false);
    expect(between.stats.foldersSkipped).toBe(2);
    const next = await poll(NOW + DAY, planner());
    expect(next.stats).toMatchObject({ full: true, foldersSkipped: 0, foldersListed: 9 });
    const record = await ledger.sourceHistory('sftp').readRecord();
    expect(record.lastFullWalk?.at).toBe(NOW + DAY);
    expect(record.lastWalk?.at).toBe(NOW + DAY);
  });

  it('finds a late upload into a recent folder at the next poll, into a settled old one at the next full walk', async () => {
    await finishAll((await poll(NOW)).files);
    await poll(NOW + 60_000);
    tree['/rec/Sales/11_28_2026'] = [wav('late-recent.wav')];
    tree['/rec/Sales']!.push(dir('11_28_2026'));
    tree['/rec/Sales/10_31_2026']!.push(wav('late-old.wav'));

    const next = await poll(NOW + 120_000);
    const names = next.files.map((f) => f.fileName);
    expect(names).toContain('late-recent.wav');
    expect(names).not.toContain('late-old.wav');

    const full = await poll(NOW + DAY + 1);
    expect(full.stats.full).toBe(true);
    expect(full.files.map((f) => f.fileName)).toContain('late-old.wav');
    // unknown file: the old folder stays listed on every poll until it is done
    const after = await poll(NOW + DAY + 60_000);
    expect(after.files.map((f) => f.fileName)).toContain('late-old.wav');
    await finishAll(after.files);
    await poll(NOW + DAY + 120_000);
    const quiet = await poll(NOW + DAY + 180_000);
    expect(quiet.files.map((f) => f.fileName)).not.toContain('late-old.wav');
  });

  it('keeps a day folder recent by the Five9 time zone, not UTC', async () => {
    // 2026-12-04 03:00 UTC is still Dec 3 in New York: 11_30 is 3 days old there (recent), 4 in UTC
    await finishAll((await poll(Date.UTC(2026, 11, 1))).files);
    await poll(Date.UTC(2026, 11, 1, 1));
    const at = Date.UTC(2026, 11, 4, 3);
    await poll(at);
    await poll(at + 1000);
    expect(listed).toContain('/rec/Sales/11_30_2026');
    const utcPlanner = new WalkPlanner(ledger.sourceHistory('sftp'), { recentDays: 3, fullScanIntervalMs: DAY * 10, timeZone: 'UTC' }, '/rec');
    await poll(at + 2000, utcPlanner); // old in UTC: listed once more, found settled
    await poll(at + 3000, utcPlanner);
    expect(listed).not.toContain('/rec/Sales/11_30_2026');
  });

  it('with SFTP_RECENT_DAYS=0 only today is recent', async () => {
    await finishAll((await poll(NOW, planner(0))).files);
    await poll(NOW + 1000, planner(0));
    await poll(NOW + 2000, planner(0));
    expect(listed).toContain('/rec/Sales/11_30_2026');
    expect(listed).not.toContain('/rec/Sales/11_27_2026');
  });
});
