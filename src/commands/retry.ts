import type { Config } from '../config.ts';
import type { Ledger } from '../ledger/ledger.ts';

/**
 * `recpipe retry <id>… | --failed`: failed recordings go back to pending with their attempts reset.
 * A running service picks them up at its next rescan; `run --once` at its start. Their audio is
 * taken from `failed/`, where it was kept, and their checkpoints still hold (nothing is paid twice).
 */
export async function retryCommand(ledger: Ledger, _config: Config, options: { ids: string[]; failed: boolean }): Promise<number> {
  if (!options.failed && options.ids.length === 0) {
    console.error('recpipe retry: name recording ids (or ledger numbers), or pass --failed');
    return 2;
  }
  const rows = options.failed ? await ledger.failedRows() : (await ledger.find(options.ids)).filter((r) => r.state === 'failed');
  if (!options.failed) {
    const known = new Set((await ledger.find(options.ids)).flatMap((r) => [r.id, String(r.seq)]));
    for (const id of options.ids) if (!known.has(id)) console.error(`recpipe retry: no recording ${id}`);
  }
  const changed = await ledger.retry(rows.map((r) => r.seq));
  for (const row of changed) console.log(`pending again: ${row.id ?? `#${row.seq}`}  ${row.relativePath}`);
  console.log(`${changed.length} recording(s) put back to pending`);
  return changed.length > 0 || options.failed ? 0 : 1;
}
