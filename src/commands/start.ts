import type { Config } from '../config.ts';
import { redactedConfig } from '../config.ts';
import { isTransient } from '../errors.ts';
import { openLedgerOrReason } from '../ledger/open-ledger.ts';
import { pipelineBound } from '../pipeline/recording-stages.ts';
import { Service } from '../main.ts';
import { createLogger } from '../observability/logger.ts';

/** `recpipe start`: runs until SIGTERM/SIGINT, then drains and exits 0 (a second signal exits 1 at once). */
export async function startCommand(config: Config): Promise<number> {
  const log = createLogger(config.log);
  if (config.sftp?.insecureAcceptAnyHostKey) {
    log.warn('SFTP_INSECURE_ACCEPT_ANY_HOST_KEY=true: the SFTP server is not authenticated; anyone in the path can read the recordings');
  }
  log.info({ config: redactedConfig(config) }, 'starting');
  // a long-running instance claims only what its stages can hold: the rest stays for the others
  const ledger = await openLedgerOrReason(config, 'processor', { maxHeld: pipelineBound(config) });
  if (ledger instanceof Error) {
    console.error(`recpipe: ledger: ${ledger.message}`);
    return isTransient(ledger) ? 1 : 2;
  }
  const service = await Service.create(config, log, { ledger });
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    log.info({ signal }, 'signal received');
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const { drained } = await service.start(stop.signal);
    log.info({ drained }, 'stopped');
    return 0;
  } finally {
    await service.close();
  }
}
