import type { SourceKind } from '../recording.ts';

/** A recording that ended in `failed/`. Never carries transcript text, phone or card numbers. */
export interface FailureAlert {
  id?: string;
  fileName: string;
  source: SourceKind;
  stage: string;
  reason: string;
  attempts: number;
  /** Set when the recording failed by transient errors only and will be retried by itself. */
  retryAt?: string;
}

/** A call whose insights matched SLACK_ALERT_ON. Categories only: no transcript text, no numbers. */
export interface CallFlagAlert {
  id: string;
  fileName: string;
  source: SourceKind;
  outcome: string;
  sentiment: { start: string; end: string };
  /** Which SLACK_ALERT_ON entries matched, e.g. `escalated`, `negative`. */
  flags: string[];
}

/** Counts for a `run --once` pass or a period of `start`. */
export interface RunSummary {
  /** `run --once`, or the period such as `daily` for `start`. */
  kind: 'run' | 'periodic';
  startedAt: string;
  endedAt: string;
  succeeded: number;
  failed: number;
  duplicates: number;
  audioSeconds: number;
  failures: Array<{ fileName: string; stage: string; reason: string }>;
  /** Chat-model insights of the period: requests, tokens, estimated cost per call at list price. */
  insights?: { calls: number; promptTokens: number; completionTokens: number; costPerCallUsd?: number };
}

/**
 * Operator alerts (Slack). Implementations must never throw into the pipeline and never
 * block it for long: they log and count their own errors.
 */
export interface Notifier {
  recordingFailed(alert: FailureAlert): Promise<void>;
  /** A source failed `consecutiveFailures` times in a row (sent once per outage). */
  sourceDown(source: string, reason: string, consecutiveFailures: number): Promise<void>;
  /** The source works again after an outage that was alerted. */
  sourceRecovered(source: string, downForMs: number): Promise<void>;
  summary(summary: RunSummary): Promise<void>;
  /** Service-level trouble paused intake (sent once per outage); recordings wait, none failed. */
  servicePaused?(component: string, reason: string): Promise<void>;
  /** The paused component passed its check again; intake resumed. */
  serviceResumed?(component: string, downForMs: number): Promise<void>;
  /** A call's insights matched SLACK_ALERT_ON (escalated, unresolved, a caller who ends negative…). */
  callFlagged?(alert: CallFlagAlert): Promise<void>;
  /** Waits (bounded) for queued alerts at shutdown. */
  close?(timeoutMs?: number): Promise<void>;
  /** Readiness/doctor check; throws when unusable. */
  check?(signal?: AbortSignal): Promise<string>;
}
