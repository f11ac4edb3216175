/** The Block Kit subset the alerts use. */
export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: TextObject & { type: 'plain_text' } }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

/** One alert, ready to post: `text` is the notification fallback, `blocks` the body. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's limits (api-contracts §3.3), with margins where Slack's own counting is unclear. */
export const messageLimits = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  /** Documented as 40,000; alerts keep their fallback short so phones show it whole. */
  fallbackText: 300,
  /** `msg_blocks_too_long` was seen near 13k characters across blocks; stay well under it. */
  blocksText: 11_000,
} as const;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts `text` to at most `max` UTF-16 units, never inside a surrogate pair, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Last line of defence: whatever the builders produced, the message posted stays inside the
 * limits (block count, per-block text, total text, fallback length).
 */
export function fitToLimits(message: SlackMessage): SlackMessage {
  let budget = messageLimits.blocksText;
  const blocks: SlackBlock[] = [];
  for (const block of message.blocks.slice(0, messageLimits.blocks)) {
    const fitted = fitBlock(block);
    const size = blockTextLength(fitted);
    if (size > budget) break;
    budget -= size;
    blocks.push(fitted);
  }
  return { text: truncate(message.text, messageLimits.fallbackText), blocks };
}

function fitBlock(block: SlackBlock): SlackBlock {
  switch (block.type) {
    case 'header':
      return { type: 'header', text: { ...block.text, text: truncate(block.text.text, messageLimits.headerText) } };
    case 'section': {
      const fitted: SlackBlock = { type: 'section' };
      if (block.text !== undefined) fitted.text = { ...block.text, text: truncate(block.text.text, messageLimits.sectionText) };
      if (block.fields !== undefined) {
        fitted.fields = block.fields.slice(0, 10).map((field) => ({ ...field, text: truncate(field.text, messageLimits.fieldText) }));
      }
      return fitted;
    }
    case 'context':
      return { type: 'context', elements: block.elements.slice(0, messageLimits.contextElements) };
    default:
      return block;
  }
}

function blockTextLength(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
      return block.text.text.length;
    case 'section':
      return (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((sum, field) => sum + field.text.length, 0);
    case 'context':
      return block.elements.reduce((sum, element) => sum + element.text.length, 0);
    default:
      return 0;
  }
}
