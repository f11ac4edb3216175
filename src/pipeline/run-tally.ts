import type { RunSummary } from '../publish/notifier.ts';
import { insightsCostUsd } from '../insights/insights-cost.ts';
import type { Outcome } from './outcome.ts';

/** Counts outcomes for a `run --once` summary or a periodic report. */
export class RunTally {
  private startedAt = new Date();
  private succeeded = 0;
  private failed = 0;
  private duplicates = 0;
  private skipped = 0;
  private released = 0;
  private audioSeconds = 0;
  private failures: RunSummary['failures'] = [];
  private insightsCalls = 0;
  private insightsTokens = { prompt: 0, completion: 0 };
  private insightsCost: number | undefined = 0;

  add(outcome: Outcome): void {
    switch (outcome.kind) {
      case 'done':
        this.succeeded++;
        this.audioSeconds += outcome.audioSeconds;
        if (outcome.insights) this.addInsights(outcome.insights);
        break;
      case 'failed':
        this.failed++;
        this.failures.push({ fileName: outcome.file.fileName, stage: outcome.stage, reason: outcome.reason });
        break;
      case 'duplicate':
        this.duplicates++;
        break;
      case 'skipped':
        this.skipped++;
        break;
      case 'released':
        this.released++;
        break;
    }
  }

  get total(): number {
    return this.succeeded + this.failed + this.duplicates + this.skipped;
  }

  get failedCount(): number {
    return this.failed;
  }

  summary(kind: RunSummary['kind']): RunSummary & { skipped: number; released: number } {
    return {
      kind,
      startedAt: this.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      succeeded: this.succeeded,
      failed: this.failed,
      duplicates: this.duplicates,
      skipped: this.skipped,
      released: this.released,
      audioSeconds: Math.round(this.audioSeconds * 10) / 10,
      failures: [...this.failures],
      ...(this.insightsCalls > 0
        ? {
            insights: {
              calls: this.insightsCalls,
              promptTokens: this.insightsTokens.prompt,
              completionTokens: this.insightsTokens.completion,
              ...(this.insightsCost === undefined ? {} : { costPerCallUsd: this.insightsCost / this.insightsCalls }),
            },
          }
        : {}),
    };
  }

  /** Tokens of one fresh insights answer; the cost stays unknown once a model without a listed price was used. */
  private addInsights(usage: { model: string; promptTokens: number; completionTokens: number }): void {
    this.insightsCalls++;
    this.insightsTokens.prompt += usage.promptTokens;
    this.insightsTokens.completion += usage.completionTokens;
    const cost = insightsCostUsd(usage.model, usage);
    this.insightsCost = this.insightsCost === undefined || cost === undefined ? undefined : this.insightsCost + cost;
  }

  /** Starts a new period (the periodic summary of `start`). */
  reset(): void {
    Object.assign(this, new RunTally());
  }
}
