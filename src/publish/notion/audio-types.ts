/**
 * The audio types Notion's File Upload API accepts (developers.notion.com, "Working with files
 * and media" → Supported file types), each with the extensions it goes with. FLAC, Opus-only
 * names (`.opus`) and GSM are not among them.
 */
const SUPPORTED_AUDIO: Readonly<Record<string, readonly string[]>> = {
  'audio/aac': ['aac', 'adts'],
  'audio/midi': ['mid', 'midi'],
  'audio/mpeg': ['mp3', 'mpga'],
  'audio/mp4': ['m4a', 'm4b', 'mp4'],
  'audio/ogg': ['oga', 'ogg'],
  'audio/wav': ['wav'],
  'audio/x-ms-wma': ['wma'],
};

/** Other spellings of the same types (what ffprobe, browsers and `file` say), sent under Notion's name. */
const ALIASES: Readonly<Record<string, string>> = {
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'audio/x-m4a': 'audio/mp4',
  'audio/x-aac': 'audio/aac',
};

/**
 * The content type to declare for this file, or why Notion would refuse it: the type must be
 * one Notion lists and the file name's extension one that goes with it (Notion checks both).
 */
export function notionAudioType(fileName: string, contentType: string): { contentType: string } | { reason: string } {
  const bare = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const type = ALIASES[bare] ?? bare;
  const extensions = SUPPORTED_AUDIO[type];
  if (extensions === undefined) {
    return { reason: `content type ${bare || '(none)'} is not one Notion accepts for audio (${Object.keys(SUPPORTED_AUDIO).join(', ')})` };
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (extension === undefined || !extensions.includes(extension)) {
    return { reason: `file name ${fileName} does not end in .${extensions.join(' or .')} as ${type} must for Notion` };
  }
  return { contentType: type };
}
