/**
 * `fetch` for the SDK clients that upload audio (OpenAI transcriptions, Notion file uploads).
 *
 * Node's fetch (undici) follows the Fetch standard, which clones a request it may have to send
 * again after a redirect; cloning a body tees its stream, and the branch that is never sent keeps
 * every chunk until the response arrives. A 24 MiB chunk streamed from disk was therefore held
 * whole in memory, once per upload in flight (issue 9). With `redirect: 'error'` the standard
 * sends the request itself, uncloned, and the body leaves as it is read. Nothing is lost: a
 * streamed body cannot be sent a second time after a redirect anyway, and neither API redirects;
 * a redirect now fails the request with a network error (retried, then failed with the reason)
 * instead of being followed. Requests without a body (or with a string body) are left as they are.
 */
export const uploadFetch: typeof fetch = async (input, init) => {
  if (!uploads(init?.body)) return fetch(input, init);
  try {
    return await fetch(input, { ...init, redirect: 'error' });
  } catch (error) {
    // undici says only "fetch failed", its cause "unexpected redirect": say what to change
    if ((error as Error).cause instanceof Error && ((error as Error).cause as Error).message === 'unexpected redirect') {
      throw new TypeError('the server answered the upload with a redirect, which uploads do not follow: set the base URL to the address it redirects to', { cause: error });
    }
    throw error;
  }
};

function uploads(body: RequestInit['body'] | undefined): boolean {
  return body instanceof ReadableStream || body instanceof FormData || body instanceof Blob;
}
