import type { SeededRandom } from './seeded-random.ts';

export type Voice = 'digits' | 'english' | 'spanish' | 'mixed';

const ENGLISH = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const SPANISH = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'];

/** A digit group as a caller says it: written, English ("oh", "double", "triple"), Spanish ("doble"). */
export function speakGroup(group: string, voice: Voice, random: SeededRandom): string {
  if (voice === 'digits') return group;
  if (voice === 'mixed') {
    // Whisper writes some groups as digits and others as words, even within one card.
    return speakGroup(group, random.pick(['digits', 'english', 'spanish'] as const), random);
  }
  const words: string[] = [];
  for (let index = 0; index < group.length; ) {
    const digit = Number(group[index]);
    const word = voice === 'english' && digit === 0 && random.chance(0.5) ? 'oh' : (voice === 'english' ? ENGLISH : SPANISH)[digit] ?? '';
    let repeat = 1;
    while (group[index + repeat] === group[index] && repeat < 3) repeat += 1;
    if (repeat === 3 && voice === 'english' && random.chance(0.5)) {
      words.push(`triple ${word}`);
      index += 3;
    } else if (repeat >= 2 && random.chance(0.4)) {
      words.push(`${voice === 'english' ? 'double' : 'doble'} ${word}`);
      index += 2;
    } else {
      words.push(word);
      index += 1;
    }
  }
  return words.join(' ');
}

/**
 * The digits left in a text: words of either language turned back into digits, separators
 * dropped; any other word or a `[tag]` ends a sequence. Used to prove nothing of a card survives.
 */
export function digitSequences(text: string): string[] {
  const words = text.toLowerCase().match(/\[[^\]]*\]|\d+|\p{L}+/gu) ?? [];
  const sequences: string[] = [];
  let current = '';
  let times = 1;
  for (const word of words) {
    const english = ENGLISH.indexOf(word);
    const spanish = SPANISH.indexOf(word);
    const digit = /^\d+$/.test(word) ? word : word === 'oh' ? '0' : english >= 0 ? String(english) : spanish >= 0 ? String(spanish) : undefined;
    if (digit !== undefined) {
      current += digit.repeat(times);
      times = 1;
    } else if (word === 'double' || word === 'doble' || word === 'triple') {
      times = word === 'triple' ? 3 : 2;
    } else {
      if (current) sequences.push(current);
      current = '';
      times = 1;
    }
  }
  if (current) sequences.push(current);
  return sequences;
}
