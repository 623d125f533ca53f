/**
 * Byte-level mutations of a real file, as fast-check values (so a failing case shrinks to the
 * fewest, smallest edits): byte changes, truncations, bit flips in the first 4 KB, scrambled bytes
 * in the last 2 KB, insertions, deletions and splices of another seed file.
 */
import fc from 'fast-check';

export type Mutation =
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'scramble'; at: number; length: number; salt: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; length: number }
  | { op: 'splice'; other: number; from: number; at: number; length: number };

/** A position: from the start (headers), from the end (zip directories, trailers), or anywhere. */
const position = fc.oneof(fc.nat({ max: 4095 }), fc.integer({ min: -2048, max: -1 }), fc.nat());

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: position, value: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat({ max: 4095 }), bit: fc.nat({ max: 7 }) }),
  fc.record({ op: fc.constant('scramble' as const), at: fc.integer({ min: -2048, max: -1 }), length: fc.integer({ min: 1, max: 64 }), salt: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: position, bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('splice' as const), other: fc.nat(), from: fc.nat(), at: position, length: fc.integer({ min: 1, max: 4096 }) }),
);

const place = (at: number, length: number) => (length === 0 ? 0 : at < 0 ? Math.max(0, length + at) : at % length);

/** Applies mutations in order to a copy of `seed` (`others` are the files a splice takes bytes from). */
export function applyMutations(seed: Uint8Array, mutations: readonly Mutation[], others: readonly Uint8Array[] = [seed]): Uint8Array {
  let b: Uint8Array = seed.slice();
  for (const m of mutations) {
    const at = place(m.at, b.length);
    switch (m.op) {
      case 'set':
        if (b.length) b[at] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'flip':
        if (b.length) b[at % b.length]! ^= 1 << m.bit;
        break;
      case 'scramble':
        for (let i = at, s = m.salt; i < Math.min(b.length, at + m.length); i++) (s = (s * 1103515245 + 12345) >>> 0), (b[i] = s >>> 24);
        break;
      case 'insert':
        b = concat(b.subarray(0, at), Uint8Array.from(m.bytes), b.subarray(at));
        break;
      case 'delete':
        b = concat(b.subarray(0, at), b.subarray(at + m.length));
        break;
      case 'splice': {
        const other = others[m.other % others.length]!;
        const from = other.length ? m.from % other.length : 0;
        b = concat(b.subarray(0, at), other.subarray(from, from + m.length), b.subarray(at + m.length));
        break;
      }
    }
  }
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** How a mutant is made, as data: a regression case is its recipe (the seeds are the shared files). */
export type Recipe = { seed: number; mutations?: Mutation[]; edits?: FieldEdit[]; lengthDelta?: number; swaps?: { at: number; op: number }[]; part?: number };

/** A field of a JSON tree set to a value: chosen by index in walk order (fuzzing), or by its path (regression cases). */
export interface FieldEdit {
  pick?: number;
  path?: (string | number)[];
  value: unknown;
}

/** Recipes that edit the bytes of one of `count` seeds. */
export const byteRecipes = (count: number): fc.Arbitrary<Recipe> => fc.record({ seed: fc.nat({ max: count - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) });
