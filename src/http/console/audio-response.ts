import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { AudioFile } from './console-store.ts';

/**
 * Streams an audio file, honouring one `Range: bytes=a-b` (what `<audio>` seeking sends), so a
 * long call can be scrubbed without downloading it whole. Several ranges get the whole file.
 */
export function audioResponse(audio: AudioFile, range: string | undefined): Response {
  const headers: Record<string, string> = {
    'Content-Type': audio.contentType,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  const wanted = range === undefined ? undefined : /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (range !== undefined && wanted && (wanted[1] !== '' || wanted[2] !== '')) {
    const size = audio.bytes;
    let start: number;
    let end: number;
    if (wanted[1] === '') {
      // a suffix: the last N bytes
      start = Math.max(0, size - Number(wanted[2]));
      end = size - 1;
    } else {
      start = Number(wanted[1]);
      end = wanted[2] === '' ? size - 1 : Math.min(Number(wanted[2]), size - 1);
    }
    if (start >= size || start > end) {
      return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } });
    }
    headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    headers['Content-Length'] = String(end - start + 1);
    return new Response(stream(audio.path, start, end), { status: 206, headers });
  }
  headers['Content-Length'] = String(audio.bytes);
  return new Response(audio.bytes === 0 ? null : stream(audio.path, 0, audio.bytes - 1), { status: 200, headers });
}

function stream(file: string, start: number, end: number): ReadableStream {
  return Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream;
}
