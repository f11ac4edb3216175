import type { Config } from '../config.ts';
import { isTransient } from '../errors.ts';
import { openLedgerOrReason } from '../ledger/open-ledger.ts';
import { Service } from '../main.ts';
import { createLogger } from '../observability/logger.ts';
import type { Outcome } from '../pipeline/outcome.ts';

/**
 * `recpipe run --once`: one pass, a line per recording, a summary; exit 1 if any recording or
 * source failed, 3 if service-level trouble (key, quota, API, disk, ledger) left recordings pending.
 */
export async function runOnceCommand(config: Config): Promise<number> {
  // logs go to stderr so stdout stays the readable report
  const log = createLogger({ ...config.log, destination: process.stderr });
  const ledger = await openLedgerOrReason(config, 'processor');
  if (ledger instanceof Error) {
    console.error(`recpipe: ledger: ${ledger.message}`);
    return isTransient(ledger) ? 1 : 2;
  }
  const service = await Service.create(config, log, { ledger });
  try {
    const { tally, sourceErrors, paused } = await service.runOnce((outcome) => console.log(outcomeLine(outcome)));
    for (const error of sourceErrors) console.log(`source failed  ${error}`);
    const s = tally.summary('run');
    console.log(
      `summary: ${s.succeeded} done, ${s.failed} failed, ${s.duplicates} duplicate, ${s.skipped} skipped; ${formatMinutes(s.audioSeconds)} of audio`,
    );
    if (s.insights) {
      const cost = s.insights.costPerCallUsd === undefined ? 'no list price for the model' : `~$${s.insights.costPerCallUsd.toFixed(5)} per call`;
      console.log(`insights: ${s.insights.calls} calls, ${s.insights.promptTokens} prompt + ${s.insights.completionTokens} completion tokens; ${cost}`);
    }
    if (paused) {
      console.log(`paused: ${paused}; the rest stays pending for the next run`);
      return 3;
    }
    return s.failed > 0 || sourceErrors.length > 0 ? 1 : 0;
  } finally {
    await service.close();
  }
}

export function outcomeLine(outcome: Outcome): string {
  const where = outcome.file.relativePath;
  switch (outcome.kind) {
    case 'done':
      return `done       ${outcome.id}  ${where}  (${outcome.audioSeconds.toFixed(1)} s of audio)`;
    case 'duplicate':
      return `duplicate  ${outcome.id}  ${where}  (same audio as ${outcome.duplicateOf})`;
    case 'skipped':
      return `skipped    ${outcome.id}  ${where}  (${outcome.reason})`;
    case 'failed':
      return `failed     ${(outcome.id ?? '-').padEnd(16)}  ${where}  at ${outcome.stage}: ${outcome.reason}`;
    case 'released':
      return `${outcome.reason ? 'paused     ' : 'interrupted'}                 ${where}  (pending for the next run${outcome.reason ? `: ${outcome.reason}` : ''})`;
  }
}

function formatMinutes(seconds: number): string {
  return seconds < 120 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}
