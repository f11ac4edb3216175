import { serviceErrorOf } from '../errors.ts';

/** How often and how long a checkpoint write is tried again while the ledger is busy. */
export interface LedgerWriteRetry {
  attempts: number;
  delayMs: number;
}

/** Up to ~30 s on top of each try's own busy timeout: a backup or a `sqlite3` shell holding a lock. */
export const CHECKPOINT_RETRY: LedgerWriteRetry = { attempts: 6, delayMs: 5000 };

/**
 * Runs a ledger write, trying again (bounded) while the ledger is busy or locked, so a result
 * that was paid for (a transcript) is kept in memory and written once the lock is gone instead of
 * being thrown away. Any other error, or the last busy one, is thrown.
 */
export async function retryLedgerWrite<T>(write: () => Promise<T>, retry: LedgerWriteRetry = CHECKPOINT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= retry.attempts || serviceErrorOf(error)?.component !== 'ledger') throw error;
      await new Promise((resolve) => setTimeout(resolve, retry.delayMs));
    }
  }
}
