/** Slack's message limits as the emulator enforces them (api-contracts §3.3). */
export const slackLimits = {
  blocks: 50,
  attachments: 100,
  /** Documented as "risk truncation"; the emulator rejects instead, so overruns show in tests. */
  textChars: 40_000,
  sectionTextChars: 3000,
  sectionFields: 10,
  fieldTextChars: 2000,
  headerTextChars: 150,
  contextElements: 10,
  markdownTextChars: 12_000,
  blockIdChars: 255,
  /** `msg_blocks_too_long` was observed at about 13k characters of text across all blocks [OBS]. */
  blocksTotalChars: 13_000,
} as const;

/** The content of a message that passed validation. */
export interface SlackMessageContent {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  markdownText?: string;
}

export type SlackMessageCheck =
  | { ok: true; content: SlackMessageContent }
  | { ok: false; error: string; errors?: string[] };

const blockTypes = new Set([
  'actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text',
  'section', 'table', 'video', 'context_actions',
]);

/**
 * Validates the content arguments of `chat.postMessage` (or a webhook payload). Form-encoded
 * `blocks` / `attachments` arrive as JSON strings, JSON bodies carry them as arrays.
 */
export function checkSlackMessage(args: Record<string, unknown>): SlackMessageCheck {
  const text = optionalString(args.text);
  const markdownText = optionalString(args.markdown_text);

  let blocks: unknown[] | undefined;
  if (args.blocks !== undefined && args.blocks !== '') {
    const decoded = decodeArray(args.blocks);
    if (decoded === undefined) return { ok: false, error: 'invalid_blocks_format' };
    blocks = decoded;
  }
  let attachments: unknown[] | undefined;
  if (args.attachments !== undefined && args.attachments !== '') {
    const decoded = decodeArray(args.attachments);
    if (decoded === undefined) return { ok: false, error: 'invalid_attachments' };
    attachments = decoded;
  }

  if (markdownText !== undefined && (text !== undefined || blocks !== undefined)) {
    return { ok: false, error: 'markdown_text_conflict' };
  }
  const hasBlocks = blocks !== undefined && blocks.length > 0;
  const hasAttachments = attachments !== undefined && attachments.length > 0;
  if (!text && !hasBlocks && !hasAttachments && !markdownText) return { ok: false, error: 'no_text' };
  if (text !== undefined && text.length > slackLimits.textChars) return { ok: false, error: 'msg_too_long' };
  if (markdownText !== undefined && markdownText.length > slackLimits.markdownTextChars) {
    return { ok: false, error: 'msg_too_long' };
  }
  if (attachments !== undefined && attachments.length > slackLimits.attachments) {
    return { ok: false, error: 'too_many_attachments' };
  }
  if (blocks !== undefined) {
    const problems = checkBlocks(blocks);
    if (problems.length > 0) return { ok: false, error: 'invalid_blocks', errors: problems };
    if (blocksTextLength(blocks) > slackLimits.blocksTotalChars) return { ok: false, error: 'msg_blocks_too_long' };
  }

  const content: SlackMessageContent = {};
  if (text !== undefined) content.text = text;
  if (blocks !== undefined) content.blocks = blocks;
  if (attachments !== undefined) content.attachments = attachments;
  if (markdownText !== undefined) content.markdownText = markdownText;
  return { ok: true, content };
}

/** Block Kit problems in Slack's wording: `<what> [json-pointer:<where>]`. */
function checkBlocks(blocks: unknown[]): string[] {
  if (blocks.length > slackLimits.blocks) {
    return [`no more than ${slackLimits.blocks} items allowed [json-pointer:/blocks]`];
  }
  const problems: string[] = [];
  const blockIds = new Set<string>();
  blocks.forEach((block, index) => {
    const at = `/blocks/${index}`;
    if (!isRecord(block) || typeof block.type !== 'string') {
      problems.push(`missing required field: type [json-pointer:${at}]`);
      return;
    }
    if (!blockTypes.has(block.type)) {
      problems.push(`unsupported type: ${block.type} [json-pointer:${at}/type]`);
      return;
    }
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > slackLimits.blockIdChars) {
        problems.push(`must be less than ${slackLimits.blockIdChars + 1} characters [json-pointer:${at}/block_id]`);
      }
      if (blockIds.has(block.block_id)) problems.push(`duplicate block_id [json-pointer:${at}/block_id]`);
      blockIds.add(block.block_id);
    }
    if (block.type === 'section') problems.push(...checkSection(block, at));
    if (block.type === 'header') problems.push(...checkTextObject(block.text, `${at}/text`, slackLimits.headerTextChars, true));
    if (block.type === 'context') {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        problems.push(`must provide at least 1 items [json-pointer:${at}/elements]`);
      } else if (elements.length > slackLimits.contextElements) {
        problems.push(`must be less than ${slackLimits.contextElements + 1} items [json-pointer:${at}/elements]`);
      }
    }
  });
  return problems;
}

function checkSection(block: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  if (block.text === undefined && block.fields === undefined) {
    return [`must provide either text or fields [json-pointer:${at}]`];
  }
  if (block.text !== undefined) {
    problems.push(...checkTextObject(block.text, `${at}/text`, slackLimits.sectionTextChars, false));
  }
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields)) return [...problems, `must be an array [json-pointer:${at}/fields]`];
    if (block.fields.length > slackLimits.sectionFields) {
      problems.push(`must be less than ${slackLimits.sectionFields + 1} items [json-pointer:${at}/fields]`);
    }
    block.fields.forEach((field, index) => {
      problems.push(...checkTextObject(field, `${at}/fields/${index}`, slackLimits.fieldTextChars, false));
    });
  }
  return problems;
}

function checkTextObject(value: unknown, at: string, maxChars: number, plainOnly: boolean): string[] {
  if (!isRecord(value)) return [`must be an object [json-pointer:${at}]`];
  const allowed = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    return [`must be one of ${allowed.join(', ')} [json-pointer:${at}/type]`];
  }
  if (typeof value.text !== 'string') return [`missing required field: text [json-pointer:${at}]`];
  if (value.text.length === 0) return [`must be more than 0 characters [json-pointer:${at}/text]`];
  if (value.text.length > maxChars) return [`must be less than ${maxChars + 1} characters [json-pointer:${at}/text]`];
  return [];
}

/** Sum of every `text` string anywhere in the blocks. */
function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + blocksTextLength(item), 0);
  if (!isRecord(value)) return 0;
  let sum = 0;
  for (const [key, inner] of Object.entries(value)) {
    sum += key === 'text' && typeof inner === 'string' ? inner.length : blocksTextLength(inner);
  }
  return sum;
}

function decodeArray(value: unknown): unknown[] | undefined {
  let decoded = value;
  if (typeof value === 'string') {
    try {
      decoded = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return Array.isArray(decoded) ? decoded : undefined;
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
