import type { Config } from '../config.ts';
import type { Ledger, LedgerRow } from '../ledger/ledger.ts';

/**
 * `recpipe retry <id>… | --failed`: failed recordings go back to pending with their attempts reset.
 * A running service picks them up at its next rescan; `run --once` at its start. Their audio is
 * taken from `failed/`, where it was kept, and their checkpoints still hold (nothing is paid twice).
 * A named recording that is not failed is left alone, with the reason on stderr.
 */
export async function retryCommand(ledger: Ledger, _config: Config, options: { ids: string[]; failed: boolean }): Promise<number> {
  if (!options.failed && options.ids.length === 0) {
    console.error('recpipe retry: name recording ids (or ledger numbers), or pass --failed');
    return 2;
  }
  let rows: LedgerRow[];
  if (options.failed) rows = await ledger.failedRows();
  else {
    const found = await ledger.find(options.ids);
    rows = found.filter((r) => r.state === 'failed');
    for (const id of options.ids) {
      const matching = found.filter((r) => r.id === id || String(r.seq) === id);
      if (matching.length === 0) console.error(`recpipe retry: no recording ${id} (unknown id; \`recpipe status\` lists failures)`);
      else if (!matching.some((r) => r.state === 'failed')) console.error(`recpipe retry: ${id} ${notFailedReason(matching)}; only failed recordings are retried`);
    }
  }
  const changed = await ledger.retry(rows.map((r) => r.seq));
  for (const row of changed) console.log(`pending again: ${row.id ?? `#${row.seq}`}  ${row.relativePath}`);
  console.log(`${changed.length} recording(s) put back to pending`);
  return changed.length > 0 || options.failed ? 0 : 1;
}

function notFailedReason(rows: LedgerRow[]): string {
  const states = [...new Set(rows.map((r) => r.state))];
  const describe: Record<string, string> = {
    done: 'is done',
    pending: 'is pending (it will be processed; nothing to retry)',
    processing: 'is being processed now',
    duplicate: `is a duplicate${rows[0]?.duplicateOf ? ` of ${rows[0].duplicateOf}` : ''} (its audio was already processed)`,
    skipped: 'was skipped on purpose (see FIVE9_IVR_LEGS)',
  };
  return states.map((s) => describe[s] ?? `is ${s}`).join(' and ');
}
