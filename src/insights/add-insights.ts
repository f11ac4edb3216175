import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AbortedError, ServiceError, TransientError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import { backoffDelayMs, type RetryPolicy } from '../pipeline/backoff.ts';
import { transcriptLine } from '../publish/transcript-markdown.ts';
import type { TranscriptDocument } from '../recording.ts';
import type { CallInsights } from './call-insights.ts';
import type { InsightsModel } from './insights-model.ts';

/** INSIGHTS_*: the model and what to ask it. */
export interface InsightsSettings {
  model: InsightsModel;
  reasons: readonly string[];
  requiredPhrases: readonly string[];
  /** Attempts and backoff of one recording's insights request; default 3 attempts, 1 s base, 30 s cap. */
  retry?: RetryPolicy;
  /** Called once per recording whose insights ask for attention (SLACK_ALERT_ON); never throws. */
  alert?: (doc: TranscriptDocument, insights: CallInsights) => Promise<void>;
}

export interface InsightsStageDeps extends InsightsSettings {
  checkpoints: Map<string, string>;
  save: (name: string, value: string) => Promise<void>;
  metrics: Metrics;
  log: Logger;
  signal: AbortSignal;
}

/** The ledger checkpoint: the insights, or why there are none. */
type InsightsCheckpoint = { insights: CallInsights } | { error: string };

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * Adds the chat model's insights to `doc`. Checkpointed like a transcript (`insights`): asked
 * once per recording; a crash between the answer and the checkpoint repeats the request at most
 * once. Transient failures (a 5xx, an answer that breaks the schema) are retried here; when the
 * attempts run out or the failure is permanent the transcript goes on without insights and
 * `insightsError` says why: insights never block a transcript. Service-level trouble (key, quota)
 * and shutdown still throw, so the recording waits and asks again later.
 */
export async function addInsights(doc: TranscriptDocument, deps: InsightsStageDeps): Promise<TranscriptDocument> {
  const saved = deps.checkpoints.get('insights');
  let checkpoint: InsightsCheckpoint;
  if (saved) {
    checkpoint = JSON.parse(saved) as InsightsCheckpoint;
  } else {
    checkpoint = await ask(doc, deps);
    await deps.save('insights', JSON.stringify(checkpoint));
  }
  if ('error' in checkpoint) return { ...doc, insightsError: checkpoint.error };
  const withInsights = { ...doc, insights: checkpoint.insights };
  if (deps.alert && !deps.checkpoints.has('insights-alert')) {
    await deps.alert(withInsights, checkpoint.insights);
    await deps.save('insights-alert', 'sent');
  }
  return withInsights;
}

async function ask(doc: TranscriptDocument, deps: InsightsStageDeps): Promise<InsightsCheckpoint> {
  const policy = deps.retry ?? DEFAULT_RETRY;
  const agentSaid = doc.segments.filter((s) => s.speaker === 'agent');
  const spoken = (agentSaid.length > 0 ? agentSaid : doc.segments).map((s) => s.text).join('\n');
  // the redacted segments only: no call metadata (caller number), nothing the redactor has not seen
  const lines = doc.segments.map(transcriptLine);
  if (lines.length === 0) return { error: 'no speech to analyse' };
  for (let attempt = 1; ; attempt += 1) {
    const stop = deps.metrics.insightsDuration.startTimer();
    try {
      const result = await deps.model.analyze({ lines, spoken, reasons: deps.reasons, requiredPhrases: deps.requiredPhrases, signal: deps.signal });
      stop();
      deps.metrics.insightsTokens.inc({ kind: 'prompt' }, result.usage.promptTokens);
      deps.metrics.insightsTokens.inc({ kind: 'completion' }, result.usage.completionTokens);
      return { insights: { ...result.insights, usage: result.usage } };
    } catch (error) {
      stop();
      if (error instanceof ServiceError || error instanceof AbortedError || deps.signal.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof TransientError && attempt < policy.maxAttempts) {
        deps.metrics.countRetry('openai');
        const waitMs = backoffDelayMs(policy, attempt, error.retryAfterMs);
        deps.log.warn({ attempt, waitMs, reason }, 'insights request failed, retrying');
        await sleep(waitMs, undefined, { signal: deps.signal }).catch(() => {
          throw new AbortedError('insights aborted');
        });
        continue;
      }
      deps.log.warn({ attempt, reason }, 'no insights for this recording; the transcript goes on without them');
      return { error: `insights failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${reason}` };
    }
  }
}
