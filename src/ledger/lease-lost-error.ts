/**
 * Raised by a shared ledger when this instance no longer owns the recording it is writing for:
 * its lease ran out (a paused VM, a long network partition) and another instance took it over.
 * The recording must be dropped at once — not failed, not released: it is someone else's now.
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly seq: number | string) {
    super(`lease lost: recording ${seq} was taken over by another instance`);
  }
}

export function isLeaseLost(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof LeaseLostError) return true;
    current = (current as { error?: unknown }).error ?? current.cause;
  }
  return false;
}
