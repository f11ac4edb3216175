import { randomDigits, withCheckDigit, type SeededRandom } from './seeded-random.ts';
import { speakGroup, type Voice } from './spoken-digits.ts';

/** One generated call excerpt with a card in it, as the transcriber would hand it over. */
export interface CardUtterance {
  card: string;
  brand: string;
  /** Segments in time order; on stereo calls the agent's back-channels are their own segments. */
  segments: Array<{ start: number; end: number; text: string; speaker?: 'agent' | 'caller' }>;
}

interface Brand {
  name: string;
  prefixes: () => string;
  lengths: readonly number[];
}

const range = (random: SeededRandom, from: number, to: number): string => String(from + random.int(to - from + 1));

/** Every network's test IIN ranges (Visa 4; Mastercard 51–55, 2221–2720; Amex 34/37; …). */
function brands(random: SeededRandom): readonly Brand[] {
  return [
    { name: 'visa', prefixes: () => '4', lengths: [13, 16, 19] },
    { name: 'mastercard', prefixes: () => (random.chance(0.5) ? range(random, 51, 55) : range(random, 2221, 2720)), lengths: [16] },
    { name: 'amex', prefixes: () => random.pick(['34', '37']), lengths: [15] },
    { name: 'discover', prefixes: () => random.pick(['6011', '65', range(random, 644, 649)]), lengths: [16, 19] },
    { name: 'diners', prefixes: () => random.pick(['36', '38', range(random, 300, 305)]), lengths: [14] },
    { name: 'jcb', prefixes: () => range(random, 3528, 3589), lengths: [16, 17, 18, 19] },
    { name: 'unionpay', prefixes: () => '62', lengths: [16, 17, 18, 19] },
    { name: 'maestro', prefixes: () => random.pick(['5018', '5020', '5038', '6304', '6759']), lengths: [13, 16, 19] },
  ];
}

/** Published test PANs, spoken too. */
export const PUBLISHED_TEST_CARDS = [
  '4111111111111111', '4012888888881881', '4222222222222', '4000056655665556', '5555555555554444',
  '5105105105105100', '5200828282828210', '2223003122003222', '378282246310005', '371449635398431',
  '6011111111111117', '6011000990139424', '30569309025904', '38520000023237', '3530111333300000',
  '3566002020360505', '6200000000000005', '6759649826438453',
];

const GROUPINGS: Readonly<Record<number, ReadonlyArray<readonly number[]>>> = {
  13: [[4, 4, 5], [3, 3, 3, 4]],
  14: [[4, 6, 4], [4, 4, 4, 2]],
  15: [[4, 6, 5], [4, 4, 4, 3]],
  16: [[4, 4, 4, 4], [4, 4, 4, 4], [8, 8], [4, 4, 8]],
  17: [[4, 4, 4, 5]],
  18: [[4, 4, 4, 6]],
  19: [[4, 4, 4, 4, 3], [4, 4, 4, 7]],
};

// Between two groups: what the caller says, or what the agent says into the pause on a mono call.
const TIGHT = [' ', ', ', '. ', '-', ' - ', ', uh, ', '... '];
const ENGLISH_WORDS = [
  ', mm-hmm, ', ' mm-hmm ', ', uh-huh, ', ', okay, ', ' okay ', ', yes, ', ' yeah ', ' and ', ', then ', ', go ahead, ',
  ' got it, ', ', right, ', ', next, ', ', the next four are ', ', that\'s ', '. Okay. ', ', and then ', ', sure, ',
];
const SPANISH_WORDS = [', sí, ', ' y ', ', vale, ', ' luego ', ', después, ', ', bueno, ', ', ok, ', ', ajá, ', ' y luego '];
const MARKS = ['/', '\n', ' / ', '.\n'];
const BACK_CHANNELS = ['Mm-hmm.', 'Okay.', 'Uh-huh.', 'Go ahead.', 'Yes.', 'Got it.', 'Sí.', 'Vale.'];

const OPENERS = [
  "Sure, it's", 'My card number is', 'Okay, the card is', 'Yes.', 'The Visa is', 'Let me read it:', 'Mi tarjeta es',
  'El número de la tarjeta es', 'Here it is', '',
];
const CLOSERS = ['', '.', ', thank you.', ', and that is all.', ', expires 04/27, and the security code is 123.',
  '. The expiration is oh four twenty seven and the CVV is seven three seven.', ', vence 12/29, código 4321.'];

export function cardUtterance(random: SeededRandom, index: number): CardUtterance {
  const all = brands(random);
  const published = index % 10 === 0 ? PUBLISHED_TEST_CARDS[(index / 10) % PUBLISHED_TEST_CARDS.length] : undefined;
  const brand = published ? { name: 'published', prefixes: () => '', lengths: [published.length] } : all[index % all.length] ?? all[0];
  if (!brand) throw new Error('no brands');
  const length = random.pick(brand.lengths);
  const prefix = brand.prefixes();
  const card = published ?? withCheckDigit(prefix + randomDigits(random, length - prefix.length - 1));
  const grouping = random.chance(0.2) ? randomGrouping(random, length) : random.pick(GROUPINGS[length] ?? [[length]]);
  const groups: string[] = [];
  let at = 0;
  for (const size of grouping) {
    groups.push(card.slice(at, at + size));
    at += size;
  }

  const voice = random.pick<Voice>(['digits', 'digits', 'english', 'spanish', 'mixed']);
  const spanish = voice === 'spanish' || (voice === 'mixed' && random.chance(0.5));
  const spoken = groups.map((group) => speakGroup(group, voice, random));
  const shape = random.int(4);
  let pieces: string[];
  let separators: string[];
  if (shape === 0 && groups.length >= 3) {
    // "it starts with … the middle is … and it ends in …"
    pieces = spoken;
    separators = spoken.slice(1).map((_, gap) =>
      gap === spoken.length - 2 ? random.pick([', and it ends in ', ' and it ends with ', ', y termina en ']) : random.pick([', the middle is ', ', then ', ' ']));
    pieces[0] = `${random.pick(['it starts with', 'empieza con'])} ${pieces[0]}`;
  } else {
    pieces = spoken;
    const pool = shape === 1 ? TIGHT : shape === 2 ? MARKS : spanish ? SPANISH_WORDS : ENGLISH_WORDS;
    separators = spoken.slice(1).map(() => (random.chance(0.3) ? random.pick(TIGHT) : random.pick([...pool, ...ENGLISH_WORDS])));
  }

  // Cut into segments at random group boundaries; stereo calls get the agent's back-channel
  // as its own segment, long calls a chunk seam (no space: the joiner adds one).
  const texts: string[] = [`${random.pick(OPENERS)} ${pieces[0]}`.trimStart()];
  const agent: boolean[] = [false];
  const stereo = random.chance(0.3);
  for (let gap = 0; gap < separators.length; gap += 1) {
    const piece = pieces[gap + 1] ?? '';
    if (random.chance(0.35)) {
      if (stereo) {
        texts.push(random.pick(BACK_CHANNELS));
        agent.push(true);
      }
      texts.push(random.chance(0.5) ? piece : ` ${piece}`);
      agent.push(false);
    } else {
      texts[texts.length - 1] += (separators[gap] ?? ' ') + piece;
    }
  }
  texts[texts.length - 1] += random.pick(CLOSERS);
  const segments = texts.map((text, position) => ({
    start: position * 4,
    end: position * 4 + 3.5,
    text,
    ...(stereo ? { speaker: agent[position] ? ('agent' as const) : ('caller' as const) } : {}),
  }));
  return { card, brand: brand.name, segments };
}

function randomGrouping(random: SeededRandom, length: number): number[] {
  const sizes: number[] = [];
  let left = length;
  while (left > 0) {
    const size = Math.min(left, 2 + random.int(5));
    sizes.push(left - size === 1 ? size + 1 : size);
    left -= sizes[sizes.length - 1] ?? size;
  }
  return sizes;
}
