import type { Config } from '../config.ts';
import type { ClaimedFile } from '../recording.ts';
import type { Outcome } from './outcome.ts';
import { fetchStage, finishStage, prepareStage, startRun, transcribeStage, type ProcessDeps, type RecordingRun } from './process-recording.ts';

/** A stage of one recording with its bound, as streams/pipeline.ts runs it (no RxJS here). */
export interface BoundedStage {
  name: 'fetch' | 'prepare' | 'transcribe' | 'finish';
  concurrency: number;
  run: (run: RecordingRun, signal: AbortSignal) => Promise<Outcome | undefined>;
  runsWhileDraining?: boolean;
}

/**
 * The stages of a recording and what bounds each: downloads by SFTP_MAX_DOWNLOADS (an inbox
 * fetch is a local move and a hash), the CPU part (ffmpeg) by PREPARE_CONCURRENCY (the cores),
 * the API waits by CONCURRENCY, and finishing (audio redaction, documents, Notion, archive) by
 * max(2, CONCURRENCY ÷ 2): the Notion limiter paces the calls themselves.
 */
export function recordingStages(
  deps: ProcessDeps,
  config: Pick<Config, 'pipeline'> & { sftp?: { maxDownloads: number } },
): { start: (file: ClaimedFile) => RecordingRun; stages: BoundedStage[] } {
  const concurrency = config.pipeline.concurrency;
  return {
    start: (file) => startRun(file, deps),
    stages: [
      { name: 'fetch', concurrency: config.sftp?.maxDownloads ?? 2, run: (run, signal) => fetchStage(run, deps, signal) },
      { name: 'prepare', concurrency: config.pipeline.prepareConcurrency, run: (run, signal) => prepareStage(run, deps, signal) },
      { name: 'transcribe', concurrency, run: (run, signal) => transcribeStage(run, deps, signal) },
      {
        name: 'finish',
        concurrency: Math.max(2, Math.floor(concurrency / 2)),
        run: (run, signal) => finishStage(run, deps, signal),
        // a shutdown lets transcribed recordings publish and archive: the paid work is delivered
        runsWhileDraining: true,
      },
    ],
  };
}

/**
 * How many recordings the pipeline holds inside its stages at once: the sum of the stage bounds
 * plus one per queue between them. A shared ledger caps this instance's claims at it, so a backlog
 * is split between instances instead of hoarded by the first to poll.
 */
export function pipelineBound(config: Pick<Config, 'pipeline'> & { sftp?: { maxDownloads: number } }): number {
  const concurrency = config.pipeline.concurrency;
  const bounds = [config.sftp?.maxDownloads ?? 2, config.pipeline.prepareConcurrency, concurrency, Math.max(2, Math.floor(concurrency / 2))];
  return bounds.reduce((sum, n) => sum + n, 0) + bounds.length - 1;
}
