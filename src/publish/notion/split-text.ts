/** Notion's limit for one rich text item's `text.content`, in UTF-16 code units. */
export const MAX_TEXT_CONTENT = 2000;

// sentence ends: Latin punctuation followed by a space, or CJK full stops that need none
const SENTENCE_END = /[.!?…](?:["'”’)\]]*)\s+|[。！？；]/g;
const WORD_END = /\s+|[、，,]/g;

/**
 * Splits text into pieces of at most `max` UTF-16 code units whose concatenation is the
 * original text. Cuts after the last sentence end in the window, else after the last space,
 * else hard at `max`; a cut never separates the two halves of a surrogate pair (emoji, rare CJK).
 */
export function splitText(text: string, max = MAX_TEXT_CONTENT): string[] {
  if (max < 2) throw new RangeError('max must be at least 2');
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max);
  // a boundary in the first half would leave many tiny items: prefer a hard cut then
  const floor = Math.floor(max / 2);
  const cut = lastMatchEnd(SENTENCE_END, window, floor) ?? lastMatchEnd(WORD_END, window, floor) ?? max;
  return avoidSurrogateSplit(text, cut);
}

function lastMatchEnd(pattern: RegExp, window: string, floor: number): number | undefined {
  let best: number | undefined;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(window); match !== null; match = pattern.exec(window)) {
    const end = match.index + match[0].length;
    if (end >= floor) best = end;
  }
  return best;
}

/** Moves a cut back by one when it would fall between a high and a low surrogate. */
function avoidSurrogateSplit(text: string, cut: number): number {
  const before = text.charCodeAt(cut - 1);
  const after = text.charCodeAt(cut);
  const isHigh = before >= 0xd800 && before <= 0xdbff;
  const isLow = after >= 0xdc00 && after <= 0xdfff;
  return isHigh && isLow ? cut - 1 : cut;
}
