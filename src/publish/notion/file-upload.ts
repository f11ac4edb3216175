import { openAsBlob } from 'node:fs';
import type { Logger } from 'pino';
import { PermanentError } from '../../errors.ts';
import type { NotionApi } from './notion-api.ts';

/** Largest file sent in one request (`single_part`); above it Notion wants `multi_part`. */
export const SINGLE_PART_MAX_BYTES = 20 * 1024 * 1024;
/** Parts must be 5–20 MiB except the last; Notion recommends 10 MiB. */
export const PART_BYTES = 10 * 1024 * 1024;

/** A local file to upload, with the content type and name Notion will see. */
export interface UploadSource {
  path: string;
  fileName: string;
  contentType: string;
}

/** An upload as checkpointed: its id, its parts, how many were sent, and whether Notion has it all. */
export interface UploadProgress {
  uploadId: string;
  parts: number;
  sentParts: number;
  uploaded?: true;
}

/** How many requests carry the file: one up to 20 MiB, else 10 MiB parts. */
export function partCount(bytes: number): number {
  return bytes <= SINGLE_PART_MAX_BYTES ? 1 : Math.ceil(bytes / PART_BYTES);
}

/**
 * Uploads a file to Notion, continuing `previous` while Notion still holds it as pending or
 * uploaded, and calls `save` after each step (create, every part, complete) so a retry resumes
 * rather than sending the file again. The file is read from disk part by part as it is sent
 * (a file-backed Blob), never whole into memory; every attempt re-reads it.
 */
export async function uploadFile(
  api: NotionApi,
  source: UploadSource,
  previous: UploadProgress | undefined,
  save: (progress: UploadProgress) => Promise<void>,
  options: { signal?: AbortSignal; log?: Logger } = {},
): Promise<UploadProgress> {
  const { signal, log } = options;
  const blob = await openAsBlob(source.path, { type: source.contentType });
  const parts = partCount(blob.size);
  let progress = previous !== undefined && previous.parts === parts ? await stillUsable(api, previous, signal, log) : undefined;
  if (progress === undefined) {
    const created = await api.call('fileUploads.create', (c) =>
      c.fileUploads.create(
        parts === 1
          ? { mode: 'single_part', filename: source.fileName, content_type: source.contentType }
          : { mode: 'multi_part', filename: source.fileName, content_type: source.contentType, number_of_parts: parts },
      ), signal);
    progress = { uploadId: created.id, parts, sentParts: 0 };
    await save(progress);
  }
  if (progress.uploaded) return progress;

  const uploadId = progress.uploadId;
  for (let part = progress.sentParts + 1; part <= parts; part++) {
    const data = parts === 1 ? blob : blob.slice((part - 1) * PART_BYTES, Math.min(part * PART_BYTES, blob.size), source.contentType);
    const file = { filename: source.fileName, data };
    await api.call('fileUploads.send', (c) =>
      c.fileUploads.send(parts === 1 ? { file_upload_id: uploadId, file } : { file_upload_id: uploadId, file, part_number: String(part) }), signal);
    progress = { ...progress, sentParts: part };
    // a single part's send is the whole upload: the checkpoint below covers it
    if (parts > 1) await save(progress);
  }
  if (parts > 1) await api.call('fileUploads.complete', (c) => c.fileUploads.complete({ file_upload_id: uploadId }), signal);
  progress = { ...progress, uploaded: true };
  await save(progress);
  log?.info({ uploadId, bytes: blob.size, parts }, 'uploaded audio to notion');
  return progress;
}

/**
 * What is left of an earlier attempt's upload, as Notion sees it now: a send or complete whose
 * answer was lost may have landed (`uploaded`), a multi-part upload may hold a part more than
 * the checkpoint says (parts go one at a time, so `sent` counts parts 1…n), and an upload left
 * for over an hour has expired and must start again.
 */
async function stillUsable(api: NotionApi, previous: UploadProgress, signal: AbortSignal | undefined, log: Logger | undefined): Promise<UploadProgress | undefined> {
  let upload;
  try {
    upload = await api.call('fileUploads.retrieve', (c) => c.fileUploads.retrieve({ file_upload_id: previous.uploadId }), signal);
  } catch (error) {
    if (error instanceof PermanentError && error.status === 404) return undefined;
    throw error;
  }
  if (upload.status === 'uploaded') return { ...previous, sentParts: previous.parts, uploaded: true };
  if (upload.status === 'pending') {
    const sent = upload.number_of_parts?.sent ?? 0;
    return { uploadId: previous.uploadId, parts: previous.parts, sentParts: previous.parts > 1 ? Math.max(previous.sentParts, Math.min(sent, previous.parts)) : 0 };
  }
  log?.info({ uploadId: previous.uploadId, status: upload.status }, 'notion file upload from an earlier attempt is no longer usable, starting a new one');
  return undefined;
}
