import { createHash, randomUUID } from 'node:crypto';
import { invalid, optionalString } from './body-validation.ts';
import { bareMimeType, categoriesOfExtension, categoriesOfMimeType, inferredMimeType, type MediaCategory } from './file-types.ts';
import { NotionApiError, validationError } from './notion-error.ts';
import { compactId } from './notion-store.ts';

/** One `send` carries at most 20 MiB: the whole file in single-part mode, one part in multi-part mode. */
export const MAX_SEND_BYTES = 20 * 1024 * 1024;
/** Multi-part parts other than the last must be at least 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** Paid workspaces: 5 GiB per file (free ones: 5 MiB). */
export const PAID_MAX_FILE_BYTES = 5 * 1024 * 1024 * 1024;
export const FREE_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** An upload not attached within an hour of its creation expires. */
export const DEFAULT_UPLOAD_TTL_MS = 60 * 60 * 1000;
const MAX_FILENAME_BYTES = 900;
/** Not documented; bounds what a test can make the emulator hold. */
const MAX_PARTS = 1000;

export type UploadStatus = 'pending' | 'uploaded' | 'expired' | 'failed';

export interface FileUploadRecord {
  id: string;
  mode: 'single_part' | 'multi_part';
  status: UploadStatus;
  filename: string | null;
  contentType: string | null;
  contentLength: number | null;
  numberOfParts?: number;
  /** Part number → received bytes; dropped once the upload is complete (only size and hash are kept). */
  parts: Map<number, Buffer>;
  sha256?: string;
  createdTime: string;
  lastEditedTime: string;
  /** Epoch ms when a pending or unattached upload expires; null once attached to something. */
  expiresAt: number | null;
  /** Blocks (or other objects) that reference it. */
  attachments: number;
}

export interface FileUploadLimits {
  /** The workspace's per-file limit in bytes (default 5 GiB, a paid plan; 5 MiB emulates a free one). */
  maxFileBytes: number;
  /** How long an upload may stay unattached (default one hour). */
  ttlMs: number;
}

/** A file part as `send` received it. */
export interface SentFile {
  name: string;
  type: string;
  bytes: Buffer;
}

/** The File Upload API's state machine: pending → uploaded (→ attached), or pending → expired. */
export class FileUploadStore {
  readonly uploads = new Map<string, FileUploadRecord>();

  constructor(readonly limits: FileUploadLimits) {}

  create(body: Record<string, unknown>): FileUploadRecord {
    const mode = body.mode ?? 'single_part';
    if (mode === 'external_url') invalid('body.mode', 'should be `"single_part"` or `"multi_part"` (`"external_url"` is not emulated)', mode);
    if (mode !== 'single_part' && mode !== 'multi_part') invalid('body.mode', 'should be `"single_part"`, `"multi_part"`, or `"external_url"`', mode);
    const filename = optionalString(body.filename, 'body.filename');
    const contentType = optionalString(body.content_type, 'body.content_type');
    if (filename !== undefined) checkFilename(filename, 'body.filename');
    if (contentType !== undefined) checkContentType(contentType, filename, 'body.content_type');
    let numberOfParts: number | undefined;
    if (mode === 'multi_part') {
      if (filename === undefined && contentType === undefined) invalid('body.filename', 'should be defined when `mode` is `"multi_part"` (or give `content_type`)', undefined);
      const parts = body.number_of_parts;
      if (typeof parts !== 'number' || !Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS) {
        invalid('body.number_of_parts', `should be an integer between 1 and ${MAX_PARTS} when \`mode\` is \`"multi_part"\``, parts);
      }
      numberOfParts = parts;
    } else if (body.number_of_parts !== undefined) {
      invalid('body.number_of_parts', 'should be undefined when `mode` is `"single_part"`', body.number_of_parts);
    }
    const now = Date.now();
    const record: FileUploadRecord = {
      id: randomUUID(),
      mode,
      status: 'pending',
      filename: filename ?? null,
      contentType: contentType === undefined ? (filename === undefined ? null : inferredMimeType(filename)) : bareMimeType(contentType),
      contentLength: null,
      numberOfParts,
      parts: new Map(),
      createdTime: new Date(now).toISOString(),
      lastEditedTime: new Date(now).toISOString(),
      expiresAt: now + this.limits.ttlMs,
      attachments: 0,
    };
    this.uploads.set(compactId(record.id), record);
    return record;
  }

  /** The upload, with its expiry applied (expiry is lazy: it happens when someone looks). */
  get(id: string, path = 'path.file_upload_id'): FileUploadRecord {
    if (!/^[0-9a-f]{32}$/.test(compactId(id))) {
      throw new NotionApiError(400, 'validation_error', `path failed validation: ${path} should be a valid uuid, instead was \`"${id}"\`.`);
    }
    const record = this.uploads.get(compactId(id));
    if (record === undefined) throw new NotionApiError(404, 'object_not_found', `Could not find file_upload with ID: ${id}.`);
    if ((record.status === 'pending' || record.status === 'uploaded') && record.expiresAt !== null && Date.now() >= record.expiresAt) {
      record.status = 'expired';
      record.parts.clear();
    }
    return record;
  }

  /** Newest first, as the list endpoint returns them. */
  list(status?: string): FileUploadRecord[] {
    return [...this.uploads.values()].map((u) => this.get(u.id)).filter((u) => status === undefined || u.status === status).reverse();
  }

  send(id: string, file: SentFile, partNumber: string | undefined): FileUploadRecord {
    const upload = this.get(id);
    if (upload.status !== 'pending') {
      throw validationError(`File upload ${upload.id} has status \`${upload.status}\`; only a \`pending\` upload can receive file contents.`);
    }
    if (file.bytes.length > MAX_SEND_BYTES) {
      throw validationError(`The file part is ${file.bytes.length} bytes, over the ${MAX_SEND_BYTES}-byte (20 MiB) limit of one send; use multi_part mode.`);
    }
    checkSentType(upload, file);
    if (upload.mode === 'single_part') {
      if (partNumber !== undefined) invalid('body.part_number', 'should be undefined when the upload mode is `"single_part"`', partNumber);
      this.#checkTotal(file.bytes.length);
      // a bare Blob arrives named `blob`: no name of its own
      if (file.name !== '' && file.name !== 'blob') {
        checkFilename(file.name, 'body.file.filename');
        upload.filename = file.name;
      }
      const sent = bareMimeType(file.type);
      if (upload.contentType === null) {
        if (sent !== '' && sent !== 'application/octet-stream') upload.contentType = sent;
        else if (upload.filename !== null) upload.contentType = inferredMimeType(upload.filename);
        else throw validationError('The file type could not be determined: give a filename with a supported extension or a supported content type.');
      }
      if (upload.filename !== null) checkContentType(upload.contentType, upload.filename, 'body.file');
      upload.parts.set(1, file.bytes);
      this.#finish(upload);
      return upload;
    }
    const total = upload.numberOfParts ?? 1;
    const part = Number(partNumber);
    if (partNumber === undefined || !/^\d+$/.test(partNumber) || part < 1 || part > total) {
      invalid('body.part_number', `should be a string integer between "1" and "${total}" for this multi_part upload`, partNumber);
    }
    if (part < total && file.bytes.length < MIN_PART_BYTES) {
      throw validationError(`Part ${part} is ${file.bytes.length} bytes; every part except the last must be at least ${MIN_PART_BYTES} bytes (5 MiB).`);
    }
    // a part sent again replaces the earlier copy (an interrupted send may be repeated)
    upload.parts.set(part, file.bytes);
    this.#checkTotal(sumBytes(upload));
    upload.lastEditedTime = new Date().toISOString();
    return upload;
  }

  complete(id: string): FileUploadRecord {
    const upload = this.get(id);
    if (upload.mode !== 'multi_part') throw validationError(`File upload ${upload.id} is a single_part upload; only multi_part uploads are completed.`);
    if (upload.status !== 'pending') throw validationError(`File upload ${upload.id} has status \`${upload.status}\`; only a \`pending\` upload can be completed.`);
    const total = upload.numberOfParts ?? 1;
    const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !upload.parts.has(n));
    if (missing.length > 0) throw validationError(`Not all parts of file upload ${upload.id} were sent: missing part ${missing.join(', ')} of ${total}.`);
    this.#checkTotal(sumBytes(upload));
    this.#finish(upload);
    return upload;
  }

  /** Parts received so far (what `number_of_parts.sent` reports). */
  sentParts(upload: FileUploadRecord): number {
    return upload.status === 'uploaded' ? (upload.numberOfParts ?? 1) : upload.parts.size;
  }

  /**
   * Checks that a media block may reference `id` as a `block` block (the upload is `uploaded` and
   * of a fitting type) and returns the commit that marks it attached, run once the block exists.
   */
  attachable(id: string, blockType: string, path: string): () => void {
    const upload = this.uploads.get(compactId(id)) === undefined ? undefined : this.get(id);
    if (upload === undefined) throw validationError(`body failed validation: ${path} should be the id of a file upload, instead was \`"${id}"\`.`);
    if (upload.status !== 'uploaded') {
      throw validationError(`The file upload with ID ${upload.id} has status \`${upload.status}\`; only an \`uploaded\` file upload can be attached (${path}).`);
    }
    const categories: MediaCategory[] = categoriesOfMimeType(upload.contentType ?? '');
    if (blockType !== 'file' && !blockTypeFits(blockType, categories)) {
      throw validationError(`body failed validation: the file upload ${upload.id} (${upload.contentType}) cannot be used in a \`${blockType}\` block (${path}).`);
    }
    return () => {
      upload.attachments += 1;
      upload.expiresAt = null;
    };
  }

  #finish(upload: FileUploadRecord): void {
    const hash = createHash('sha256');
    const order = [...upload.parts.keys()].sort((a, b) => a - b);
    for (const n of order) hash.update(upload.parts.get(n)!);
    upload.sha256 = hash.digest('hex');
    upload.contentLength = sumBytes(upload);
    upload.parts.clear();
    upload.status = 'uploaded';
    upload.lastEditedTime = new Date().toISOString();
  }

  #checkTotal(bytes: number): void {
    if (bytes > this.limits.maxFileBytes) {
      throw validationError(`The file is ${bytes} bytes, over this workspace's file upload limit of ${this.limits.maxFileBytes} bytes.`);
    }
  }
}

function sumBytes(upload: FileUploadRecord): number {
  let total = 0;
  for (const part of upload.parts.values()) total += part.length;
  return total;
}

function checkFilename(filename: string, path: string): void {
  if (Buffer.byteLength(filename, 'utf8') > MAX_FILENAME_BYTES) {
    throw validationError(`body failed validation: ${path} should be at most ${MAX_FILENAME_BYTES} bytes, instead was ${Buffer.byteLength(filename, 'utf8')} bytes.`);
  }
  if (categoriesOfExtension(filename).length === 0) {
    throw validationError(`body failed validation: ${path} should have the extension of a supported file type, instead was \`"${filename}"\`.`);
  }
}

function checkContentType(contentType: string, filename: string | undefined, path: string): void {
  const categories = categoriesOfMimeType(contentType);
  if (categories.length === 0) throw validationError(`body failed validation: ${path} should be a supported file type, instead was \`"${contentType}"\`.`);
  if (filename !== undefined && !categoriesOfExtension(filename).some((c) => categories.includes(c))) {
    throw validationError(`body failed validation: ${path} \`"${contentType}"\` does not match the extension of the filename \`"${filename}"\`.`);
  }
}

/** The part's own Content-Type must agree with the upload's (a bare Blob comes as application/octet-stream). */
function checkSentType(upload: FileUploadRecord, file: SentFile): void {
  const sent = bareMimeType(file.type);
  if (sent === '' || sent === 'application/octet-stream') return;
  if (categoriesOfMimeType(sent).length === 0) throw validationError(`The sent file's content type \`${sent}\` is not a supported file type.`);
  if (upload.contentType !== null && sent !== upload.contentType) {
    throw validationError(`The sent file's content type \`${sent}\` does not match the file upload's content type \`${upload.contentType}\`.`);
  }
}

function blockTypeFits(blockType: string, categories: MediaCategory[]): boolean {
  if (blockType === 'audio') return categories.includes('audio');
  if (blockType === 'image') return categories.includes('image');
  if (blockType === 'video') return categories.includes('video');
  if (blockType === 'pdf') return categories.includes('document');
  return false;
}
