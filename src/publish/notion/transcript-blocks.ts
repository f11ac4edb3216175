import type { BlockObjectRequest } from '@notionhq/client';
import type { Segment, TranscriptDocument } from '../../recording.ts';
import { speakerName } from '../transcript-markdown.ts';
import { splitText } from './split-text.ts';

/**
 * Rich text items per paragraph. Notion allows 100, but 100 × 2000 CJK characters would be
 * ~600 KB on its own, over the 500 KB request limit; 20 keeps any paragraph under ~250 KB.
 */
const MAX_ITEMS_PER_PARAGRAPH = 20;

type RichTextItem = { type: 'text'; text: { content: string }; annotations?: { bold: boolean } };

/**
 * The page body: one paragraph per segment, `[mm:ss] Speaker: text`, the prefix in bold.
 * Long text is split into ≤ 2000-character items at sentence or word boundaries, and a very
 * long segment continues in further paragraphs. The same document always yields the same
 * blocks, which is what lets an interrupted append resume by block index.
 */
export function transcriptBlocks(doc: TranscriptDocument): BlockObjectRequest[] {
  const attention = doc.needsAttention ? paragraphs('Needs attention: ', doc.needsAttention) : [];
  return [...attention, ...bodyBlocks(doc)];
}

function bodyBlocks(doc: TranscriptDocument): BlockObjectRequest[] {
  const segments = doc.segments.filter((s) => s.text.trim() !== '');
  if (segments.length > 0) return segments.flatMap((segment) => paragraphs(prefixOf(segment), segment.text.trim()));
  return doc.text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .flatMap((part) => paragraphs(undefined, part));
}

/** `[mm:ss] Agent: `; minutes keep counting past 59 so the stamp sorts and reads like the audio player. */
export function timestamp(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  return `[${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}]`;
}

function prefixOf(segment: Segment): string {
  const name = speakerName(segment);
  const speaker = name === undefined ? '' : ` ${name}:`;
  return `${timestamp(segment.start)}${speaker} `;
}

function paragraphs(prefix: string | undefined, text: string): BlockObjectRequest[] {
  const items: RichTextItem[] = splitText(text).map((content) => ({ type: 'text', text: { content } }));
  if (prefix !== undefined) items.unshift({ type: 'text', text: { content: prefix }, annotations: { bold: true } });
  const blocks: BlockObjectRequest[] = [];
  for (let i = 0; i < items.length; i += MAX_ITEMS_PER_PARAGRAPH) {
    blocks.push({ object: 'block', type: 'paragraph', paragraph: { rich_text: items.slice(i, i + MAX_ITEMS_PER_PARAGRAPH) } });
  }
  return blocks;
}
