/*
 * The file types the File Upload API accepts, as developers.notion.com lists them ("Working with
 * files and media" → Supported file types): extensions and MIME types per category. FLAC is not
 * among them. The page pairs categories, not single extensions with single MIME types, so a
 * file name and a content type agree here when they share a category.
 */

export type MediaCategory = 'audio' | 'document' | 'image' | 'video';

const CATEGORIES: Record<MediaCategory, { extensions: string[]; mimeTypes: string[] }> = {
  audio: {
    extensions: ['aac', 'adts', 'mid', 'midi', 'mp3', 'mpga', 'm4a', 'm4b', 'mp4', 'oga', 'ogg', 'wav', 'wma'],
    mimeTypes: ['audio/aac', 'audio/midi', 'audio/mpeg', 'audio/mp4', 'audio/ogg', 'audio/wav', 'audio/x-ms-wma'],
  },
  document: {
    extensions: ['pdf', 'txt', 'json', 'doc', 'dot', 'docx', 'dotx', 'xls', 'xlt', 'xla', 'xlsx', 'xltx', 'ppt', 'pot', 'pps', 'ppa', 'pptx', 'potx'],
    mimeTypes: [
      'application/pdf', 'text/plain', 'application/json', 'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
      'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.template', 'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'application/vnd.openxmlformats-officedocument.presentationml.template',
    ],
  },
  image: {
    extensions: ['gif', 'heic', 'jpeg', 'jpg', 'png', 'svg', 'tif', 'tiff', 'webp', 'ico'],
    mimeTypes: ['image/gif', 'image/heic', 'image/jpeg', 'image/png', 'image/svg+xml', 'image/tiff', 'image/webp', 'image/vnd.microsoft.icon'],
  },
  video: {
    extensions: ['amv', 'asf', 'wmv', 'avi', 'f4v', 'flv', 'gifv', 'm4v', 'mp4', 'mkv', 'webm', 'mov', 'qt', 'mpeg'],
    mimeTypes: ['video/x-amv', 'video/x-ms-asf', 'video/x-msvideo', 'video/x-f4v', 'video/x-flv', 'video/mp4', 'application/mp4', 'video/webm', 'video/quicktime', 'video/mpeg'],
  },
};

/** What the emulator reports as `content_type` when only a file name was given (the obvious pairing). */
const INFERRED: Record<string, string> = {
  aac: 'audio/aac', adts: 'audio/aac', mid: 'audio/midi', midi: 'audio/midi', mp3: 'audio/mpeg', mpga: 'audio/mpeg',
  m4a: 'audio/mp4', m4b: 'audio/mp4', oga: 'audio/ogg', ogg: 'audio/ogg', wav: 'audio/wav', wma: 'audio/x-ms-wma',
  pdf: 'application/pdf', txt: 'text/plain', json: 'application/json', gif: 'image/gif', jpeg: 'image/jpeg',
  jpg: 'image/jpeg', png: 'image/png', svg: 'image/svg+xml', webp: 'image/webp', mp4: 'video/mp4', webm: 'video/webm',
  mov: 'video/quicktime', mpeg: 'video/mpeg',
};

const ALL = Object.entries(CATEGORIES) as Array<[MediaCategory, { extensions: string[]; mimeTypes: string[] }]>;

export function extensionOf(filename: string): string | undefined {
  return /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
}

/** `audio/wav; codecs=1` → `audio/wav`. */
export function bareMimeType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** The categories a file name's extension belongs to (empty when unsupported; `.mp4` is audio and video). */
export function categoriesOfExtension(filename: string): MediaCategory[] {
  const extension = extensionOf(filename);
  return extension === undefined ? [] : ALL.filter(([, c]) => c.extensions.includes(extension)).map(([name]) => name);
}

/** The categories a MIME type belongs to (empty when unsupported). */
export function categoriesOfMimeType(contentType: string): MediaCategory[] {
  const mime = bareMimeType(contentType);
  return ALL.filter(([, c]) => c.mimeTypes.includes(mime)).map(([name]) => name);
}

/** A content type for a supported file name with none given. */
export function inferredMimeType(filename: string): string {
  return INFERRED[extensionOf(filename) ?? ''] ?? CATEGORIES[categoriesOfExtension(filename)[0] ?? 'document'].mimeTypes[0]!;
}
