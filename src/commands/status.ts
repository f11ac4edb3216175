import type { Ledger } from '../ledger/ledger.ts';
import type { WalkStats } from '../ledger/source-history.ts';

/** `recpipe status [--json]`: counts per state and the latest failures with their reasons. */
export async function statusCommand(ledger: Ledger, options: { json: boolean }): Promise<number> {
  const status = await ledger.status({ failures: 10 });
  const sftpWalks = await ledger.sourceHistory('sftp').readRecord();
  if (options.json) {
    console.log(JSON.stringify({ ...status, ...(sftpWalks.lastWalk ? { sftpWalks } : {}) }, null, 2));
    return 0;
  }
  const counts = Object.entries(status.counts)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ');
  console.log(`recordings: ${counts}`);
  if (status.oldestPendingAgeSeconds > 0) console.log(`oldest pending: ${Math.round(status.oldestPendingAgeSeconds)} s`);
  if (sftpWalks.lastFullWalk) console.log(`sftp last full walk: ${walkLine(sftpWalks.lastFullWalk)}`);
  if (sftpWalks.lastWalk && !sftpWalks.lastWalk.full) {
    console.log(`sftp last poll: ${walkLine(sftpWalks.lastWalk)}`);
  }
  const instances = status.instances;
  if (instances && instances.length > 0) {
    console.log('\ninstances (PostgreSQL ledger):');
    for (const i of instances) {
      const beat = `${Math.round((Date.now() - i.heartbeatAt) / 1000)} s ago`;
      console.log(`  ${i.alive ? 'alive' : 'gone '}  ${i.id}  host ${i.host}  heartbeat ${beat}  holds ${i.held}`);
    }
  }
  if (status.latestFailures.length > 0) {
    console.log('\nlatest failures:');
    for (const row of status.latestFailures) {
      console.log(`  ${row.id ?? `#${row.seq}`}  ${row.relativePath}  at ${row.stage ?? '?'} after ${row.attempts} attempt(s): ${row.lastError ?? ''}`);
    }
    console.log('\nretry with: recpipe retry <id> … or recpipe retry --failed');
  }
  if (status.needsAttention.length > 0) {
    console.log('\nneeds attention:');
    for (const row of status.needsAttention) console.log(`  ${row.id ?? `#${row.seq}`}  ${row.relativePath}: ${row.attention}`);
  }
  return 0;
}

function walkLine(walk: WalkStats): string {
  const skipped = walk.foldersSkipped > 0 ? `, ${walk.foldersSkipped} settled day folders left for the next full walk` : '';
  return `${new Date(walk.at).toISOString()}: ${walk.foldersListed} folders and ${walk.filesListed} files listed in ${(walk.durationMs / 1000).toFixed(2)} s${skipped}`;
}
