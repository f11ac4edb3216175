import path from 'node:path';
import { PermanentError } from '../errors.ts';

/**
 * Returns `candidate` resolved, after checking it lies strictly inside `root` (a separator-aware
 * prefix check, so `/data-evil` is not inside `/data`). Every local path built from a name a
 * source gave us (an SFTP listing, an inbox file) goes through here: a name with `/` or `..` from
 * a hostile server must never reach a folder outside DATA_DIR. Throws PermanentError otherwise.
 */
export function pathInside(root: string, candidate: string): string {
  const base = path.resolve(root);
  const resolved = path.resolve(base, candidate);
  if (!resolved.startsWith(base.endsWith(path.sep) ? base : base + path.sep)) {
    throw new PermanentError(`refused path ${JSON.stringify(candidate)}: it resolves outside ${base}`, { system: 'fs' });
  }
  return resolved;
}
