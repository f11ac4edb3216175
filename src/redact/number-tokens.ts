/** One number as written (`4111`) or spoken (`four`, `double one`, `twenty seven`). */
export interface NumberToken {
  /** Character range in the text; `end` is exclusive. */
  start: number;
  end: number;
  digits: string;
  /**
   * A word that is often not a number at all: the homophones "for"/"to"/"too" (Whisper writes
   * them for spoken digits) and the interjection-like zeros "oh"/"o".
   */
  weak: boolean;
  /** "for"/"to"/"too": trimmed from the edges of short codes. */
  homophone: boolean;
}

const UNITS: Readonly<Record<string, string>> = {
  zero: '0', oh: '0', o: '0', nought: '0', nil: '0',
  one: '1', two: '2', three: '3', four: '4', five: '5',
  six: '6', seven: '7', eight: '8', nine: '9',
  // Spanish: callers read cards in their own language, or mix ("cuatro 111, uno uno…").
  cero: '0', uno: '1', una: '1', dos: '2', tres: '3', cuatro: '4', cinco: '5',
  seis: '6', siete: '7', ocho: '8', nueve: '9',
};
const HOMOPHONES: Readonly<Record<string, string>> = { for: '4', to: '2', too: '2' };
const TEENS: Readonly<Record<string, string>> = {
  ten: '10', eleven: '11', twelve: '12', thirteen: '13', fourteen: '14',
  fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18', nineteen: '19',
};
const TENS: Readonly<Record<string, string>> = {
  twenty: '2', thirty: '3', forty: '4', fourty: '4', fifty: '5',
  sixty: '6', seventy: '7', eighty: '8', ninety: '9',
};
const MULTIPLIERS: Readonly<Record<string, number>> = { double: 2, triple: 3, treble: 3, doble: 2 };
const SOFT_ZEROS = new Set(['oh', 'o']);

// Money, clock times and full dates (5/13/2014, 2014-05-13) are never part of a card, code or
// phone number; their digits are left out so the text between neighbouring numbers breaks any run.
const BARRIERS =
  /[$£€]\s?\d[\d,]*(?:\.\d+)?|\b\d{1,2}:\d{2}(?::\d{2})?\b|(?<![\d/-])\d{1,2}\/\d{1,2}\/(?:\d{4}|\d{2})(?![\d/-])|(?<![\d/-])\d{4}-\d{2}-\d{2}(?![\d/-])/g;
// Letters of any script, so "después" or "sí" stay one word and never split into digit words.
const ITEMS = /\d+|\p{L}+(?:'\p{L}+)?/gu;
const LETTER = /\p{L}/u;
const TIGHT = /^(?:[ \t]+|[ \t]*-[ \t]*)$/;

interface Item {
  start: number;
  end: number;
  word?: string;
}

/** Every number in the text, in order; digits glued to letters (`4th`, `A123`) are not numbers. */
export function scanNumberTokens(text: string): NumberToken[] {
  const barriers = [...text.matchAll(BARRIERS)].map((m) => [m.index, m.index + m[0].length] as const);
  const items: Item[] = [];
  let barrier = 0;
  for (const match of text.matchAll(ITEMS)) {
    const start = match.index;
    const end = start + match[0].length;
    if (/\d/.test(match[0])) {
      if (LETTER.test(text[start - 1] ?? '') || LETTER.test(text[end] ?? '')) continue;
      while (barrier < barriers.length && (barriers[barrier]?.[1] ?? 0) <= start) barrier += 1;
      const [from, to] = barriers[barrier] ?? [Infinity, Infinity];
      if (start >= from && end <= to) continue;
      items.push({ start, end });
    } else {
      items.push({ start, end, word: match[0].toLowerCase() });
    }
  }

  const tokens: NumberToken[] = [];
  let index = 0;
  while (index < items.length) {
    const parsed = parseNumberAt(text, items, index);
    if (parsed) {
      tokens.push(parsed.token);
      index = parsed.next;
    } else {
      index += 1;
    }
  }
  return tokens;
}

function parseNumberAt(text: string, items: Item[], index: number): { token: NumberToken; next: number } | undefined {
  const item = items[index];
  if (!item) return undefined;
  if (item.word === undefined) {
    return { token: token(item, item, text.slice(item.start, item.end)), next: index + 1 };
  }
  const word = item.word;
  const tight = (next: number): Item | undefined => {
    const candidate = items[next];
    const previous = items[next - 1];
    return candidate && previous && TIGHT.test(text.slice(previous.end, candidate.start)) ? candidate : undefined;
  };

  const times = MULTIPLIERS[word];
  if (times !== undefined) {
    const follower = tight(index + 1);
    const digit = follower?.word === undefined
      ? follower && follower.end - follower.start === 1 ? text[follower.start] : undefined
      : UNITS[follower.word];
    if (!follower || digit === undefined) return undefined;
    return { token: token(item, follower, digit.repeat(times)), next: index + 2 };
  }

  let value: number;
  let last = index;
  if (TENS[word] !== undefined) {
    const follower = tight(index + 1);
    const unit = follower?.word === undefined ? undefined : UNITS[follower.word];
    if (follower && unit !== undefined && unit !== '0') {
      value = Number(TENS[word] + unit);
      last = index + 1;
    } else {
      value = Number(TENS[word] + '0');
    }
  } else if (TEENS[word] !== undefined) {
    value = Number(TEENS[word]);
  } else if (UNITS[word] !== undefined || HOMOPHONES[word] !== undefined) {
    const homophone = HOMOPHONES[word] !== undefined;
    const digit = UNITS[word] ?? HOMOPHONES[word] ?? '';
    if (homophone || SOFT_ZEROS.has(word)) {
      return { token: { ...token(item, item, digit), weak: true, homophone }, next: index + 1 };
    }
    value = Number(digit);
  } else {
    return undefined;
  }

  // "four hundred twelve" = 412, "forty one hundred" = 4100: people read card groups this way.
  const hundred = value > 0 ? tight(last + 1) : undefined;
  if (hundred?.word === 'hundred') {
    value *= 100;
    last += 1;
    const rest = parseSmallNumber(items, last + 1, tight);
    if (rest) {
      value += rest.value;
      last = rest.last;
    }
  }
  const lastItem = items[last] ?? item;
  return { token: token(item, lastItem, String(value)), next: last + 1 };
}

/** 1–99 spoken as "seven", "twelve", "twenty", "twenty seven". */
function parseSmallNumber(
  items: Item[],
  index: number,
  tight: (next: number) => Item | undefined,
): { value: number; last: number } | undefined {
  const word = tight(index)?.word;
  if (word === undefined) return undefined;
  if (TEENS[word] !== undefined) return { value: Number(TEENS[word]), last: index };
  const unit = UNITS[word];
  if (unit !== undefined && !SOFT_ZEROS.has(word) && unit !== '0') return { value: Number(unit), last: index };
  if (TENS[word] === undefined) return undefined;
  const next = tight(index + 1)?.word;
  const nextUnit = next === undefined ? undefined : UNITS[next];
  if (nextUnit !== undefined && nextUnit !== '0') return { value: Number(TENS[word] + nextUnit), last: index + 1 };
  return { value: Number(TENS[word] + '0'), last: index };
}

function token(first: Item, last: Item, digits: string): NumberToken {
  return { start: first.start, end: last.end, digits, weak: false, homophone: false };
}
