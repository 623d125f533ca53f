/**
 * Seeded pseudo-random numbers for everything in the core that must be reproducible
 * (augmentations, data order, exploration). The core never calls Math.random.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 128-bit state), its state
 * filled from the seed by splitmix32. Same seed, same sequence on every JS engine.
 */

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi) (hi exclusive, like numpy's randint). */
  int(lo: number, hi: number): number;
  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): number[];
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** The generator's state, to save in checkpoints and restore with `createRng(state)`. */
  state(): RngState;
}

export type RngState = readonly [number, number, number, number];

export function createRng(seed: number | RngState): Rng {
  let a: number, b: number, c: number, d: number;
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed)) throw new RangeError(`rng seed must be an integer, got ${seed}`);
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    [a, b, c, d] = [splitmix(), splitmix(), splitmix(), splitmix()];
  } else {
    [a, b, c, d] = seed;
  }

  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };

  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int(lo, hi) {
      if (!(hi > lo)) throw new RangeError(`rng.int: empty range [${lo}, ${hi})`);
      return lo + Math.floor(rng.next() * (hi - lo));
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = rng.int(0, i + 1);
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
    permutation: (n) => rng.shuffle(Array.from({ length: n }, (_, i) => i)),
    state: () => [a, b, c, d],
  };
  return rng;
}

/**
 * A seed derived from `seed` and a list of integers (FNV-1a over their 32-bit words), so that what is
 * drawn for an item depends on the item itself, not on where it sits in a batch or a data set.
 */
export function seedFor(seed: number, values: ArrayLike<number>): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i]! | 0;
    for (let byte = 0; byte < 4; byte++, v >>>= 8) h = Math.imul(h ^ (v & 0xff), 0x01000193) >>> 0;
  }
  return h;
}
