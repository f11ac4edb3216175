import type { ClaimedFile } from '../recording.ts';

/** How one recording ended in this process. Failures are values: the stream never errors. */
export type Outcome =
  | {
      kind: 'done';
      file: ClaimedFile;
      id: string;
      audioSeconds: number;
      billedSeconds: number;
      /** The insights request's tokens, when the chat model answered. */
      insights?: { model: string; promptTokens: number; completionTokens: number };
    }
  | { kind: 'duplicate'; file: ClaimedFile; id: string; duplicateOf: string }
  | { kind: 'skipped'; file: ClaimedFile; id: string; reason: string }
  | {
      kind: 'failed';
      file: ClaimedFile;
      id?: string;
      stage: string;
      reason: string;
      attempts: number;
      /** ISO time the sweep retries it (transient failures only). */
      retryAt?: string;
      /** True the first time this recording fails (alerts go out once, not at every sweep). */
      firstFailure: boolean;
    }
  /** Shutdown interrupted it (or it never started): back to pending for the next start. */
  | { kind: 'released'; file: ClaimedFile; /** Set when service-level trouble paused it (`openai: key rejected`). */ reason?: string };
