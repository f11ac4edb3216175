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
export const uploadFetch: typeof fetch = (input, init) => fetch(input, uploads(init?.body) ? { ...init, redirect: 'error' } : init);

function uploads(body: RequestInit['body'] | undefined): boolean {
  return body instanceof ReadableStream || body instanceof FormData || body instanceof Blob;
}
