import type { ParsedBlock } from './block-validation.ts';
import type { FileUploadStore } from './file-upload-store.ts';

/** Where the emulator pretends attached files live (the live API answers with a signed S3 URL). */
const FILE_HOST = 'https://prod-files-secure.s3.us-west-2.amazonaws.com/emulated';
/** Notion-hosted file URLs are valid for an hour. */
const URL_TTL_MS = 60 * 60 * 1000;

/**
 * Checks every `file_upload` reference in `blocks` (nested ones too) before anything is written,
 * so a rejected request leaves nothing behind, and puts in each block the hosted file as Notion
 * returns it (`{type: 'file', file: {url, expiry_time}}`). Returns the commit that marks the
 * uploads attached (no more expiry), to run once the blocks exist.
 */
export function prepareAttachments(uploads: FileUploadStore, blocks: ParsedBlock[], path: string): () => void {
  const commits: Array<() => void> = [];
  const walk = (list: ParsedBlock[], base: string): void => {
    list.forEach((block, index) => {
      const at = `${base}[${index}]`;
      if (block.fileUploadId !== undefined) {
        commits.push(uploads.attachable(block.fileUploadId, block.type, `${at}.${block.type}.file_upload.id`));
        const upload = uploads.get(block.fileUploadId);
        block.upload = { id: upload.id, filename: upload.filename, contentType: upload.contentType, bytes: upload.contentLength, sha256: upload.sha256 };
        const name = encodeURIComponent(upload.filename ?? 'file');
        block.content = {
          caption: block.content.caption,
          type: 'file',
          file: { url: `${FILE_HOST}/${upload.id}/${name}`, expiry_time: new Date(Date.now() + URL_TTL_MS).toISOString() },
        };
      }
      walk(block.children, `${at}.${block.type}.children`);
    });
  };
  walk(blocks, path);
  return () => {
    for (const commit of commits) commit();
  };
}
