import type { Config } from '../config.ts';
import { OperatorError } from '../operator-error.ts';

interface SystemError {
  code?: string;
  syscall?: string;
  path?: string;
  hostname?: string;
  address?: string;
  port?: number;
}

/**
 * The one place that turns an operator's mistake into one line with a remedy (printed instead of
 * a stack trace, exit 2). Returns undefined for anything else: a bug keeps its stack.
 * `config` names the variable behind a path or address when it is known.
 */
export function operatorErrorLine(error: unknown, config?: Config): string | undefined {
  if (error instanceof OperatorError) return error.line;
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & SystemError;
  const http = config?.http;
  const sqlitePath = config?.paths.sqlitePath ?? 'the ledger';

  if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
    return `recpipe: ${sqlitePath} is not a SQLite database or is damaged (${e.message}); stop recpipe, move it aside (mv ${sqlitePath} ${sqlitePath}.bad), then restore a backup or start with an empty ledger`;
  }
  if (e.code === 'SQLITE_CANTOPEN') {
    return `recpipe: cannot open the ledger ${sqlitePath} (${e.message}); make sure DATA_DIR is a folder this user can write`;
  }
  if (e.syscall === 'listen' || (e.syscall === 'getaddrinfo' && http && e.hostname === http.host)) {
    const where = http ? `${http.host}:${http.port}` : `${e.address ?? '?'}:${e.port ?? '?'}`;
    if (e.code === 'EADDRINUSE') return `recpipe: HTTP_PORT ${http?.port ?? e.port} is in use on ${http?.host ?? e.address} (another recpipe or program listens there); stop it or set HTTP_PORT to a free port`;
    if (e.code === 'EACCES') return `recpipe: not allowed to listen on ${where} (ports below 1024 need privileges); set HTTP_PORT above 1023`;
    if (e.code === 'EADDRNOTAVAIL') return `recpipe: HTTP_HOST ${http?.host ?? e.address} is not an address of this machine; set HTTP_HOST to 127.0.0.1, 0.0.0.0 or one of its addresses`;
    if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EAI_FAIL') return `recpipe: HTTP_HOST ${http?.host ?? e.hostname} does not resolve to an address; set HTTP_HOST to 127.0.0.1, 0.0.0.0 or a name of this machine`;
  }
  if (e.path && e.code && PATH_CODES[e.code]) {
    return `recpipe: ${variableFor(e.path, config)}${e.path} ${PATH_CODES[e.code]}`;
  }
  return undefined;
}

/** What a path error means to an operator, and what to do. */
const PATH_CODES: Record<string, string> = {
  ENOTDIR: 'is not a folder (a file is in the way); move the file or point the variable at a folder',
  EEXIST: 'exists and is not a folder; move it or point the variable at a folder',
  EACCES: 'cannot be used by this user (permission denied); fix its owner or permissions, or point the variable elsewhere',
  EPERM: 'cannot be used by this user (operation not permitted); fix its owner or permissions, or point the variable elsewhere',
  EROFS: 'is on a read-only file system; point the variable at a writable folder',
  ENOSPC: 'is on a full disk; free space or point the variable at another disk',
  ELOOP: 'is a loop of symbolic links; fix the links or point the variable elsewhere',
};

function variableFor(file: string, config?: Config): string {
  if (!config) return '';
  const { paths } = config;
  const inside = (root: string) => file === root || file.startsWith(`${root}/`);
  if (inside(paths.inboxDir)) return 'INBOX_DIR ';
  if (inside(paths.dataDir)) return 'DATA_DIR ';
  if (config.sftp?.privateKeyPath && file === config.sftp.privateKeyPath) return 'SFTP_PRIVATE_KEY_PATH ';
  if (file.endsWith('.env')) return '.env file ';
  return '';
}
