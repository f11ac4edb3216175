/**
 * Reads the whole body, keeping at most `limit` bytes. Past the limit it keeps draining, so the
 * client sees the 413 rather than a reset mid-upload, and reports the bytes read up to the chunk
 * that crossed the limit, as the live message does ("26214850 bytes read"). `bytes` is absent
 * when the body was over the limit; `total` always counts every byte received.
 */
export async function readLimitedBody(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<{ total: number; bytes?: Buffer; readWhenRefused?: number }> {
  if (stream === null) return { total: 0, bytes: Buffer.alloc(0) };
  const chunks: Uint8Array[] = [];
  let total = 0;
  let readWhenRefused: number | undefined;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (readWhenRefused !== undefined) continue;
    if (total > limit) readWhenRefused = total;
    else chunks.push(value);
  }
  return readWhenRefused === undefined ? { total, bytes: Buffer.concat(chunks) } : { total, readWhenRefused };
}
