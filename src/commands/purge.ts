import type { Config } from '../config.ts';
import { retentionEnabled } from '../retention/retention-plan.ts';
import { runRetention } from '../retention/retention-run.ts';

/** `recpipe purge [--dry-run]`: one retention pass now; `--dry-run` lists what it would delete. */
export async function purgeCommand(config: Config, options: { dryRun: boolean }): Promise<number> {
  if (!retentionEnabled(config.retention)) {
    console.log('nothing to purge: RETENTION_DAYS and TRANSCRIPT_RETENTION_DAYS are unset (everything is kept)');
    return 0;
  }
  const result = await runRetention(config.paths, config.retention, { dryRun: options.dryRun });
  const verb = options.dryRun ? 'would delete' : 'deleted';
  for (const item of result.items) console.log(`${verb}  ${item.kind.padEnd(10)}  ${new Date(item.keptAt).toISOString().slice(0, 10)}  ${item.label}`);
  const audio = result.items.filter((i) => i.kind === 'audio').length;
  console.log(
    `${options.dryRun ? 'dry run: ' : ''}${verb} ${audio} audio file(s) and ${result.items.length - audio} transcript(s), ` +
      `${formatBytes(result.bytes)} (RETENTION_DAYS=${config.retention.audioDays ?? 'unset'}, TRANSCRIPT_RETENTION_DAYS=${config.retention.transcriptDays ?? 'unset'})`,
  );
  return 0;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}
