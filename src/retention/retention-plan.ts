/** One thing retention may delete: a recording's audio (with its error file) or its transcript (JSON + Markdown). */
export interface RetentionItem {
  kind: 'audio' | 'transcript';
  /** Every file that goes together (absolute paths). */
  paths: string[];
  /** Shown to the operator: the path under DATA_DIR. */
  label: string;
  bytes: number;
  /** When it was kept (ms since epoch): the processed/ day, the failure time, the transcript's write time. */
  keptAt: number;
}

/** Days to keep each kind; unset keeps forever. */
export interface RetentionPolicy {
  audioDays?: number;
  transcriptDays?: number;
}

const DAY_MS = 86_400_000;

/**
 * What to delete now: items kept at least their kind's number of days. Pure, so the rule is
 * tested without files; `recpipe purge --dry-run` prints exactly this list.
 */
export function planRetention(items: readonly RetentionItem[], nowMs: number, policy: RetentionPolicy): RetentionItem[] {
  return items.filter((item) => {
    const days = item.kind === 'audio' ? policy.audioDays : policy.transcriptDays;
    return days !== undefined && nowMs - item.keptAt >= days * DAY_MS;
  });
}

/** True when retention has anything to do. */
export function retentionEnabled(policy: RetentionPolicy): boolean {
  return policy.audioDays !== undefined || policy.transcriptDays !== undefined;
}
