/** A small seeded PRNG (mulberry32) with the helpers the generated corpora need. */
export interface SeededRandom {
  next(): number;
  int(below: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
  };
}

/** Independent Luhn check, so the corpus does not trust the code under test. */
export function luhn(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((char, index) => {
    const doubled = index % 2 === 1 ? Number(char) * 2 : Number(char);
    sum += doubled > 9 ? doubled - 9 : doubled;
  });
  return sum % 10 === 0;
}

/** `body` plus the one check digit that makes it Luhn-valid (`valid`) or a wrong one. */
export function withCheckDigit(body: string, valid = true, random?: SeededRandom): string {
  const right = [...'0123456789'].find((digit) => luhn(body + digit)) ?? '0';
  if (valid) return body + right;
  const wrong = [...'0123456789'].filter((digit) => digit !== right);
  return body + (random ? random.pick(wrong) : wrong[0]);
}

export function randomDigits(random: SeededRandom, count: number): string {
  return Array.from({ length: count }, () => String(random.int(10))).join('');
}
