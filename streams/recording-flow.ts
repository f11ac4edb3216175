import { inboxFiles, type InboxOptions } from './inbox-watch.ts';
import { startPipeline, type PipelineDeps, type RunningPipeline } from './pipeline.ts';
import { claimedRecordings, type RecordingsOptions } from './recordings.ts';
import { sftpFiles, type SftpPollOptions } from './sftp-poll.ts';

/** The enabled sources; an absent one is off. */
export interface FlowSources {
  inbox?: InboxOptions;
  sftp?: SftpPollOptions;
}

/** Sources → merged, claimed recordings → the pipeline: the whole topology, started. */
export function startRecordingFlow<C>(sources: FlowSources, recordings: RecordingsOptions, pipeline: PipelineDeps<C>): RunningPipeline {
  const found = [...(sources.inbox ? [inboxFiles(sources.inbox)] : []), ...(sources.sftp ? [sftpFiles(sources.sftp)] : [])];
  return startPipeline(claimedRecordings(found, recordings), pipeline);
}
