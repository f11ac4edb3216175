/*
 * Notion's File Upload API as this attacher relies on it (API 2025-09-03, @notionhq/client 5.26;
 * bracketed sources are pages of developers.notion.com):
 * - `POST /v1/file_uploads` {mode: single_part (default) | multi_part | external_url, filename,
 *   content_type, number_of_parts (multi_part)} → a FileUpload: {id, status: pending, expiry_time
 *   (created + 1 h), upload_url, complete_url (multi_part), filename, content_type,
 *   content_length, number_of_parts: {total, sent}}. Statuses: pending → uploaded; expired when not
 *   attached within the hour; failed (external_url imports only). Once attached, expiry_time is
 *   null and the upload is permanent. [reference/file-upload, guides/uploading-small-files]
 * - `POST /v1/file_uploads/{id}/send`: multipart/form-data, the contents under `file`, plus
 *   `part_number` ("1".."n") in multi-part mode. One send carries at most 20 MB; a single-part
 *   upload becomes `uploaded` with it, and only a `pending` upload accepts a send (400 otherwise).
 *   [reference/send-a-file-upload]
 * - `POST /v1/file_uploads/{id}/complete` (multi-part only), after parts 1..n were sent (in any
 *   order). Parts are 5–20 MiB except the last; 10 MiB is recommended. Send and complete both
 *   check the workspace's per-file limit: 5 MiB on free plans, 5 GiB on paid ones, also given as
 *   `bot.workspace_limits.max_file_upload_size_in_bytes` by `GET /v1/users/me`; 400
 *   validation_error past it. [guides/sending-larger-files, guides/working-with-files-and-media]
 * - Audio types: .aac .adts .mid .midi .mp3 .mpga .m4a .m4b .mp4 .oga .ogg .wav .wma as audio/aac,
 *   audio/midi, audio/mpeg, audio/mp4, audio/ogg, audio/wav, audio/x-ms-wma. No FLAC: a FLAC
 *   recording is skipped, not converted. [guides/working-with-files-and-media]
 * - Attaching: append `{type: 'audio', audio: {type: 'file_upload', file_upload: {id}}}` to the page
 *   (`PATCH /v1/blocks/{page}/children`); the upload must be `uploaded`. Read back, the block
 *   shows `{type: 'file', file: {url, expiry_time}}` with an hour-long URL. [uploading-small-files]
 * - SDK: `client.fileUploads.create/send/complete/retrieve/list`; `send` builds a FormData with
 *   `file.data` (string or Blob) under `file` and lets fetch set the boundary
 *   [notion-sdk-js src/Client.ts buildFormData]. Unverified: the exact wording of the 400s, and
 *   whether a part Notion did not count as sent may simply be sent again (we do so on resume).
 */
import type { Logger } from 'pino';
import { PermanentError } from '../../errors.ts';
import type { PublishContext } from '../publisher.ts';
import { notionAudioType } from './audio-types.ts';
import { uploadFile, type UploadProgress } from './file-upload.ts';
import type { NotionApi } from './notion-api.ts';
import { childBlocks } from './page-lookup.ts';
import type { AudioCheckpoint } from './publish-checkpoint.ts';

export type AudioFile = NonNullable<PublishContext['audio']>;

export interface AttachOptions {
  pageId: string;
  /** The state an earlier attempt saved, if any. */
  saved?: AudioCheckpoint;
  /** True when an earlier attempt for this recording may have run: the page is checked first. */
  resumed: boolean;
  /** The page's audio blocks when the caller has just listed them (saves a second listing). */
  audioBlockIds?: string[];
  save(audio: AudioCheckpoint): Promise<void>;
  signal?: AbortSignal;
  log?: Logger;
}

/**
 * Puts the recording's audio on its Notion page exactly once: upload (single- or multi-part,
 * checkpointed step by step), then one audio block. Too large or of a type Notion refuses: skipped
 * with the reason logged, never a failure; the transcript is what matters. Only transient errors
 * reach the caller, for the pipeline to retry from the checkpoint.
 */
export class AudioAttacher {
  readonly #api: NotionApi;
  readonly #maxUploadBytes: number;
  #workspaceLimit: Promise<number | undefined> | undefined;

  /** @param maxUploadBytes the largest file to upload (the workspace's limit may lower it further) */
  constructor(api: NotionApi, maxUploadBytes: number) {
    this.#api = api;
    this.#maxUploadBytes = maxUploadBytes;
  }

  async attach(audio: AudioFile, options: AttachOptions): Promise<AudioCheckpoint> {
    const { saved, log } = options;
    if (saved !== undefined && ('skipped' in saved || 'blockId' in saved)) return saved;
    const skip = (reason: string, level: 'info' | 'warn' = 'info'): AudioCheckpoint => {
      log?.[level]({ fileName: audio.fileName, bytes: audio.bytes, reason }, 'notion audio not attached');
      return { skipped: reason };
    };
    const type = notionAudioType(audio.fileName, audio.contentType);
    if ('reason' in type) return skip(type.reason);
    const limit = await this.#effectiveLimit();
    if (audio.bytes > limit) return skip(`${audio.bytes} bytes is over the ${limit}-byte upload limit`);

    // an earlier attempt may have appended the block and lost the answer, or saved less than it did
    if (options.resumed) {
      const found = options.audioBlockIds ?? (await childBlocks(this.#api, options.pageId, options.signal)).audioBlockIds;
      if (found[0] !== undefined) {
        log?.info({ blockId: found[0] }, 'notion page already has its audio');
        return saved === undefined ? { blockId: found[0] } : { blockId: found[0], uploadId: saved.uploadId };
      }
    }
    const previous = saved !== undefined && 'uploadId' in saved ? saved : undefined;
    try {
      const uploaded = await uploadFile(this.#api, { path: audio.path, fileName: audio.fileName, contentType: type.contentType }, previous,
        (progress) => options.save(progress), { signal: options.signal, log });
      const blockId = await this.#appendBlock(options.pageId, uploaded, options.signal);
      log?.info({ blockId, uploadId: uploaded.uploadId }, 'attached audio to notion page');
      return { blockId, uploadId: uploaded.uploadId };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return skip(`audio file ${audio.path} is missing`, 'warn');
      // Notion refused the file (type, size, limit of this workspace): retrying cannot change that
      if (error instanceof PermanentError && error.status === 400) return skip(error.message, 'warn');
      throw error;
    }
  }

  async #appendBlock(pageId: string, upload: UploadProgress, signal: AbortSignal | undefined): Promise<string> {
    const response = await this.#api.call('blocks.children.append', (c) =>
      c.blocks.children.append({
        block_id: pageId,
        children: [{ object: 'block', type: 'audio', audio: { type: 'file_upload', file_upload: { id: upload.uploadId } } }],
      }), signal);
    return response.results[0]?.id ?? 'unknown';
  }

  /**
   * The configured limit, lowered to what the workspace allows (asked once per process; if the
   * question fails, the configured limit stands this time and it is asked again next time).
   */
  async #effectiveLimit(): Promise<number> {
    this.#workspaceLimit ??= this.#api
      .call('users.me', (c) => c.users.me({}))
      .then((me) => (me.type === 'bot' && 'workspace_limits' in me.bot ? me.bot.workspace_limits.max_file_upload_size_in_bytes : undefined));
    const workspace = await this.#workspaceLimit.catch(() => {
      this.#workspaceLimit = undefined;
      return undefined;
    });
    return workspace === undefined ? this.#maxUploadBytes : Math.min(this.#maxUploadBytes, workspace);
  }
}
