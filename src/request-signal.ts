/**
 * Runs one SDK request under an AbortSignal of its own that follows `signal`.
 *
 * The openai SDK adds an abort listener to the signal a request is given and never removes it.
 * Given a long-lived signal (a recording's, the service's), every request left a listener on it
 * that holds the request's AbortController, and through that what the request still referenced:
 * memory grew with each chunk of a long call and each call of a long-running service (issue 9;
 * Node warned of 11 listeners on a 4-hour call). The request's own signal is dropped with it.
 */
export async function withRequestSignal<T>(signal: AbortSignal | undefined, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (signal === undefined) return run(undefined);
  const request = new AbortController();
  const follow = (): void => request.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  try {
    return await run(request.signal);
  } finally {
    signal.removeEventListener('abort', follow);
  }
}
