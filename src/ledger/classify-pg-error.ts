import { PermanentError, TransientError } from '../errors.ts';
import { transientNetworkCode } from '../transient-network-error.ts';

// SQLSTATE classes and codes that a retry (or PostgreSQL coming back) can fix
const TRANSIENT_CODES = new Set([
  '57P01', // admin_shutdown (a restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57014', // query_canceled (statement timeout)
]);
const CLOSED = /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed/i;

/**
 * A node-postgres error as TransientError (PostgreSQL unreachable, restarting, overloaded: the
 * pipeline pauses and heals) or PermanentError (wrong password, missing database, no privilege:
 * an operator must act). The message never holds the connection string.
 */
export function classifyPgError(error: unknown, action: string): TransientError | PermanentError {
  if (error instanceof TransientError || error instanceof PermanentError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const text = `PostgreSQL ${action}: ${message}${typeof code === 'string' ? ` (${code})` : ''}`;
  // network trouble is judged by the one shared list; SQLSTATE class 08 is PostgreSQL's own "connection exception"
  if ((typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) || transientNetworkCode(error) !== undefined) {
    return new TransientError(text, { system: 'postgres', cause: error });
  }
  if (CLOSED.test(message)) return new TransientError(text, { system: 'postgres', cause: error });
  return new PermanentError(text, { system: 'postgres', cause: error });
}
