import { posix } from 'node:path';
import type { RecordingState } from '../recording.ts';
import { calendarDate, type CalendarDate } from '../five9/calendar-date.ts';
import { fileKey, type SourceHistory, type WalkRecord, type WalkStats } from '../ledger/source-history.ts';
import type { RemoteFile } from './remote-walk.ts';

/** How much of the remote history each poll walks (from SFTP_RECENT_DAYS, SFTP_FULL_SCAN_INTERVAL_MS). */
export interface HistorySettings {
  /** Day folders up to this many days old (in `timeZone`) are listed on every poll. Default 3. */
  recentDays: number;
  /** A full walk (every folder) at most this often. Default 86,400,000 (a day). */
  fullScanIntervalMs: number;
  /** FIVE9_TIMEZONE: the zone the day folders are named in. */
  timeZone: string;
}

// Five9 names day folders month_day_year, unpadded (padded accepted), as findDayFolder does.
const DAY_FOLDER = /^(\d{1,2})_(\d{1,2})_(\d{4})$/;
const SETTLED: ReadonlySet<RecordingState> = new Set(['done', 'duplicate', 'skipped', 'failed']);
const DAY_MS = 86_400_000;

/**
 * Decides, per poll, which folders to list. With `SFTP_AFTER_SUCCESS=leave` the server's tree only
 * grows, so walking it all every poll costs more every day. A full walk happens at most once per
 * `fullScanIntervalMs` (its time lives in the ledger); between full walks, a Five9 day folder older
 * than `recentDays` is left out once it is settled: listed and every file in it known and finished.
 * Folders that are not day folders are always listed (they hold the day folders).
 */
export class WalkPlanner {
  constructor(
    private readonly history: SourceHistory,
    private readonly settings: HistorySettings,
    private readonly remoteDir: string,
  ) {}

  async plan(now: number): Promise<PlannedWalk> {
    const record = await this.history.readRecord();
    const last = record.lastFullWalk?.at;
    const full = last === undefined || now - last >= this.settings.fullScanIntervalMs || now < last;
    const settled = full ? new Set<string>() : await this.history.settledFolders();
    return new PlannedWalk(this.history, record, { full, now, settled, today: dayIn(now, this.settings.timeZone), ...this.settings, remoteDir: this.remoteDir });
  }
}

interface PlanState extends HistorySettings {
  full: boolean;
  now: number;
  settled: ReadonlySet<string>;
  today: number;
  remoteDir: string;
}

/** One listing's plan: what to skip, what was listed, and (after a good walk) what is settled now. */
export class PlannedWalk {
  private folders = 0;
  private skipped = 0;
  /** Old day folders this walk entered: their settledness is decided from what they hold. */
  private readonly oldEntered = new Set<string>();

  constructor(
    private readonly history: SourceHistory,
    private readonly record: WalkRecord,
    private readonly state: PlanState,
  ) {}

  get full(): boolean {
    return this.state.full;
  }

  /** When the last full walk before this one started (epoch ms). */
  get lastFullWalkAt(): number | undefined {
    return this.record.lastFullWalk?.at;
  }

  readonly skipFolder = (relative: string): boolean => {
    const age = this.ageInDays(relative);
    if (age === undefined || age <= this.state.recentDays) return false;
    if (!this.state.full && this.state.settled.has(relative)) {
      this.skipped += 1;
      return true;
    }
    this.oldEntered.add(relative);
    return false;
  };

  readonly onFolderListed = (): void => {
    this.folders += 1;
  };

  /**
   * After a complete walk: marks the old day folders it entered settled or not, and records the
   * walk (a full one also as the last full walk). Not called for a failed walk, so a full walk
   * that broke off is tried again at the next poll.
   */
  async finish(files: readonly RemoteFile[], durationMs: number): Promise<WalkStats> {
    const byFolder = new Map<string, RemoteFile[]>([...this.oldEntered].map((folder) => [folder, []]));
    for (const file of files) {
      const parts = file.relativePath.split('/');
      // the innermost old day folder holding the file
      for (let depth = parts.length - 1; depth > 0; depth -= 1) {
        const held = byFolder.get(parts.slice(0, depth).join('/'));
        if (held) {
          held.push(file);
          break;
        }
      }
    }
    const settled: string[] = [];
    const unsettled: string[] = [];
    for (const [folder, held] of byFolder) {
      const states = held.length === 0 ? new Map() : await this.history.fileStatesUnder(posix.join(this.state.remoteDir, folder));
      (held.every((file) => SETTLED.has(states.get(fileKey(file)) as RecordingState)) ? settled : unsettled).push(folder);
    }
    if (this.state.full) {
      // folders gone from the server, or not old any more, leave the table with the full walk
      const before = await this.history.settledFolders();
      const keep = new Set(settled);
      unsettled.push(...[...before].filter((folder) => !keep.has(folder)));
    }
    await this.history.updateFolders(settled, unsettled);

    const stats: WalkStats = {
      at: this.state.now,
      full: this.state.full,
      foldersListed: this.folders,
      filesListed: files.length,
      foldersSkipped: this.skipped,
      durationMs,
    };
    await this.history.writeRecord({ ...this.record, lastWalk: stats, ...(this.state.full ? { lastFullWalk: stats } : {}) });
    return stats;
  }

  /** Days between a day folder's date and today; undefined for a folder that is not a day folder. */
  private ageInDays(relative: string): number | undefined {
    const match = DAY_FOLDER.exec(posix.basename(relative));
    const date = match ? calendarDate(Number(match[3]), Number(match[1]), Number(match[2])) : undefined;
    return date ? this.state.today - dayNumber(date) : undefined;
  }
}

/** Today's date in `timeZone` as a day number (days since 1970-01-01). */
function dayIn(now: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(now));
  const value = (type: string): number => Number(parts.find((part) => part.type === type)?.value);
  return dayNumber({ year: value('year'), month: value('month'), day: value('day') });
}

function dayNumber(date: CalendarDate): number {
  return Math.floor(Date.UTC(date.year, date.month - 1, date.day) / DAY_MS);
}
