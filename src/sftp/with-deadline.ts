import { TransientError } from '../errors.ts';

/**
 * Settles like `work`, or rejects with a TransientError after `ms`. ssh2 promises can stay
 * pending forever when a server goes quiet, so every SFTP call goes through this; `onTimeout`
 * lets the caller tear the connection down so the abandoned call cannot linger.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TransientError(`SFTP ${what} timed out after ${ms} ms`, { system: 'sftp' }));
      onTimeout?.();
    }, ms);
  });
  // The losing promise may still reject later; that must not become an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
