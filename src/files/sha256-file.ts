import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bytes read at a time; one buffer, reused for the whole file. */
const READ_BYTES = 256 * 1024;

/**
 * SHA-256 of a file as lower-case hex. Streamed through one reused buffer: a read stream
 * allocates a fresh Buffer per read, and for a 230 MB call those pile up as garbage faster than
 * V8 collects external memory, which showed as ~60 MB of extra peak RSS (issue 9).
 * `onRead` sees each read's length (tests check that the file is never read whole).
 */
export async function sha256File(file: string, signal?: AbortSignal, onRead?: (bytes: number) => void): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null);
      if (bytesRead === 0) break;
      onRead?.(bytesRead);
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
