import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { withRequestSignal } from '../../src/request-signal.ts';

/** Plays the openai SDK: listens on the signal it is given and never stops listening. */
const leakyRequest = (signal: AbortSignal | undefined) => {
  signal?.addEventListener('abort', () => undefined, { once: true });
  return Promise.resolve(signal);
};

describe('withRequestSignal', () => {
  it('leaves nothing on the caller\'s signal however many requests leak a listener on theirs', async () => {
    const caller = new AbortController();
    for (let i = 0; i < 20; i++) await withRequestSignal(caller.signal, leakyRequest);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('aborts the request with the caller\'s reason, also when the caller aborted before it started', async () => {
    const caller = new AbortController();
    const reason = new Error('stopping');
    let seen: AbortSignal | undefined;
    const running = withRequestSignal(caller.signal, (signal) => {
      seen = signal;
      return new Promise((_resolve, reject) => signal!.addEventListener('abort', () => reject(signal!.reason as Error)));
    });
    caller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(seen!.aborted).toBe(true);
    const early = await withRequestSignal(caller.signal, async (signal) => signal);
    expect(early!.aborted).toBe(true);
    expect(early!.reason).toBe(reason);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('passes no signal when the caller has none', async () => {
    expect(await withRequestSignal(undefined, async (signal) => signal)).toBeUndefined();
  });
});
