import { luhn, randomDigits, withCheckDigit, type SeededRandom } from './seeded-random.ts';
import { speakGroup } from './spoken-digits.ts';

const JOIN = [' and ', ', and ', ', okay, ', ' then ', ', yes, ', ' y ', ', mm-hmm, ', '. Okay. ', ' and then '];

function phone(random: SeededRandom): string {
  const area = `${2 + random.int(8)}${randomDigits(random, 2)}`;
  const exchange = `${2 + random.int(8)}${randomDigits(random, 2)}`;
  const line = randomDigits(random, 4);
  const spoken = (group: string): string => speakGroup(group, random.pick(['english', 'spanish'] as const), random);
  return random.pick([
    `${area}-${exchange}-${line}`,
    `(${area}) ${exchange}-${line}`,
    `${area}.${exchange}.${line}`,
    `${area} ${exchange} ${line}`,
    `1 ${area} ${exchange} ${line}`,
    `+44 20 ${randomDigits(random, 4)} ${randomDigits(random, 4)}`,
    `${spoken(area)}, ${spoken(exchange)}, ${spoken(line)}`,
    `${spoken(area)} ${spoken(exchange)} ${spoken(line)}`,
  ]);
}

function amount(random: SeededRandom): string {
  const dollars = 1 + random.int(5000);
  return random.pick([
    `$${dollars.toLocaleString('en-US')}.${randomDigits(random, 2)}`,
    `${dollars} dollars`,
    `${dollars} dollars and ${random.int(100)} cents`,
    `€${dollars}`,
    `${dollars} euros`,
    `${random.int(100)} percent`,
  ]);
}

function date(random: SeededRandom): string {
  const month = 1 + random.int(12);
  const day = 1 + random.int(28);
  const year = 2000 + random.int(30);
  return random.pick([
    `${month}/${day}/${year}`,
    `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    `January ${day}th, ${year}`,
    `the ${day}th of March ${year}`,
    `${month}/${day}`,
  ]);
}

function time(random: SeededRandom): string {
  return random.pick([`${1 + random.int(12)}:${randomDigits(random, 1)}${randomDigits(random, 1)} PM`, `${1 + random.int(12)} o'clock`,
    `${1 + random.int(12)} AM`, `${10 + random.int(13)}:${String(random.int(60)).padStart(2, '0')}`]);
}

/** An order, account or ticket number: 8–19 digits that fail Luhn, so they are not card numbers. */
function labelledNumber(random: SeededRandom): string {
  const length = 8 + random.int(12);
  const digits = withCheckDigit(String(1 + random.int(9)) + randomDigits(random, length - 2), false, random);
  if (luhn(digits)) throw new Error('generator made a Luhn-valid order number');
  const grouped = random.chance(0.5) ? digits : (digits.match(/.{1,4}/g) ?? [digits]).join(random.pick([' ', '-', ', ', ' okay ', ' and ']));
  const label = random.pick(['order number', 'account', 'ticket', 'confirmation number', 'reference', 'tracking number',
    'case number', 'invoice', 'número de pedido', 'policy number', 'member ID']);
  return `${label} ${grouped}`;
}

/** A card-shaped number read with fillers that fails Luhn: a typo'd card stays (nothing to protect). */
function invalidCardShape(random: SeededRandom): string {
  const digits = withCheckDigit(`4${randomDigits(random, 14)}`, false, random);
  return (digits.match(/.{4}/g) ?? []).join(random.pick(JOIN));
}

const SMALL = (random: SeededRandom): string => random.pick([
  `zip code ${randomDigits(random, 5)}`, `${1 + random.int(9999)} Main Street`, `room ${random.int(999)}`,
  `${2 + random.int(8)} kids`, `extension ${randomDigits(random, 4)}`, `apartment ${random.int(99)}`,
  `version ${random.int(9)}.${random.int(9)}.${random.int(9)}`, `${random.int(60)} minutes`, `${1 + random.int(30)} days`,
  `flight ${randomDigits(random, 4)}`, `the year ${1950 + random.int(70)}`, `${random.int(200)} items`,
]);

const PARTS = [phone, amount, date, time, labelledNumber, SMALL] as const;
const FRAMES = [
  (a: string, b: string) => `my phone number is ${a}${b}`,
  (a: string, b: string) => `You can call me back at ${a}${b}`,
  (a: string, b: string) => `So that's ${a}${b}.`,
  (a: string, b: string) => `I paid on ${a}${b}, I think.`,
  (a: string, b: string) => `Okay, ${a}${b}, got it.`,
  (a: string, b: string) => `${a}${b}`,
];

/** A sentence full of numbers that are not card numbers, often several joined by "and"/"okay". */
export function nonCardUtterance(random: SeededRandom, index: number): string {
  if (index % 10 === 9) return `it's ${invalidCardShape(random)}`;
  const count = 1 + random.int(3);
  const parts = Array.from({ length: count }, () => random.pick(PARTS)(random));
  const first = parts[0] ?? '';
  const rest = parts.slice(1).map((part) => random.pick(JOIN) + part).join('');
  return random.pick(FRAMES)(first, rest);
}
