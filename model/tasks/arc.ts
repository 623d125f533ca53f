/**
 * ARC codec (official dataset/build_arc_dataset.py and evaluators/arc.py, spec §6.4 and §7).
 * A grid of colours 0-9 (1×1 to 30×30) sits at (r0, c0) of a 30×30 canvas: PAD 0, EOS 1,
 * colour c → c + 2; V = 12, S = 900. EOS marks the row below and the column right of the grid
 * (the corner stays PAD). Predictions decode by the official crop rule. A smaller canvas N (our
 * addition, for models a CPU can train) applies the same rules to grids up to N×N: S = N².
 * Augmentation: colour permutation with black fixed, then a dihedral transform; name suffix
 * `|||t<k>|||<map>`; translation (train split only).
 */
import { InvalidPuzzleError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { TaskCodec } from './codec.js';
import { createGrid, dihedral, DIHEDRAL_INVERSE, gridEquals, isDihedralId, toRows, type DihedralId, type Grid } from './grid.js';

/** The official canvas side; the default of every `size` below. */
export const ARC_SIZE = 30;
export const PAD = 0,
  EOS = 1;

/** Colours 0-9. */
export type ArcGrid = Grid;

/** A test input, with its expected output when known (then `verify` compares to it). */
export interface ArcPuzzle {
  input: ArcGrid;
  output?: ArcGrid;
}

/** The canvas side of `size`² tokens; anything else is a RangeError. */
export function canvasSide(tokens: number): number {
  const side = Math.round(Math.sqrt(tokens));
  if (side * side !== tokens || side < 1 || side > ARC_SIZE) throw new RangeError(`${tokens} tokens are not an ARC canvas (N×N, N ≤ ${ARC_SIZE})`);
  return side;
}

/** Parses a JSON grid: a non-empty rectangular array of rows of integers 0-9, at most size×size (the canvas). */
export function parseArcGrid(input: unknown, path: (string | number)[] = [], size = ARC_SIZE): ArcGrid {
  const name = path.length ? path.join('.') : 'grid';
  const canvas = size === ARC_SIZE ? '' : ` (the model's ${size}×${size} canvas)`;
  if (!Array.isArray(input) || input.length === 0) throw new InvalidPuzzleError(`arc: ${name} must be a non-empty array of rows`, path);
  if (input.length > size) throw new InvalidPuzzleError(`arc: ${name} has ${input.length} rows, at most ${size}${canvas}`, path);
  const cols = Array.isArray(input[0]) ? input[0].length : 0;
  if (cols === 0 || cols > size) throw new InvalidPuzzleError(`arc: ${name} row 0 must have 1-${size} cells${cols > size ? `, has ${cols}${canvas}` : ''}`, [...path, 0]);
  const cells = new Uint8Array(input.length * cols);
  input.forEach((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== cols)
      throw new InvalidPuzzleError(`arc: ${name} is not rectangular: row ${r} has ${Array.isArray(row) ? row.length : 'no'} cells, row 0 has ${cols}`, [...path, r]);
    row.forEach((v: unknown, c) => {
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 9) {
        throw new InvalidPuzzleError(`arc: ${name}[${r}][${c}] is ${JSON.stringify(v)}, expected a colour 0-9`, [...path, r, c]);
      }
      cells[r * cols + c] = v as number;
    });
  });
  return createGrid(input.length, cols, cells);
}

/** The official `np_grid_to_seq_translational_augment` for one grid placed at (r0, c0) of a size×size canvas. */
export function encodeArcGrid(g: ArcGrid, r0 = 0, c0 = 0, size = ARC_SIZE): Int32Array {
  if (r0 < 0 || c0 < 0 || r0 + g.rows > size || c0 + g.cols > size) {
    throw new InvalidPuzzleError(`arc: a ${g.rows}×${g.cols} grid does not fit the ${size}×${size} canvas at (${r0}, ${c0})`, []);
  }
  const out = new Int32Array(size * size);
  for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) out[(r0 + r) * size + c0 + c] = g.cells[r * g.cols + c]! + 2;
  const [eosRow, eosCol] = [r0 + g.rows, c0 + g.cols];
  if (eosRow < size) for (let c = c0; c < eosCol; c++) out[eosRow * size + c] = EOS;
  if (eosCol < size) for (let r = r0; r < eosRow; r++) out[r * size + eosCol] = EOS;
  return out;
}

/**
 * The official crop (evaluators/arc.py `_crop`): the largest top-left rectangle of colour tokens,
 * scanning rows while the run of colours from column 0 only shrinks. Empty when (0,0) is not a colour.
 */
export function cropArcCanvas(tokens: Int32Array): ArcGrid {
  const side = canvasSide(tokens.length);
  let best = 0;
  let size: [number, number] = [0, 0];
  let width = side;
  for (let r = 1; r <= side; r++) {
    for (let c = 1; c <= width; c++) {
      const t = tokens[(r - 1) * side + c - 1]!;
      if (t < 2 || t > 11) {
        width = c - 1;
        break;
      }
    }
    if (r * width > best) (best = r * width), (size = [r, width]);
  }
  const [rows, cols] = size;
  const cells = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) cells[r * cols + c] = tokens[r * side + c]! - 2;
  return createGrid(rows, cols, cells);
}

/** A canvas that is exactly a grid at (0,0) with its EOS border and PAD elsewhere (what the model should emit). */
export function isWellFormedCanvas(tokens: Int32Array): boolean {
  const grid = cropArcCanvas(tokens);
  if (grid.rows === 0) return false;
  const clean = encodeArcGrid(grid, 0, 0, canvasSide(tokens.length));
  return tokens.length === clean.length && tokens.every((t, i) => t === clean[i]);
}

/** The codec for a size×size canvas (`getTask('arc', seqLen)` picks it by the model's seq_len). */
export function createArcCodec(size = ARC_SIZE): TaskCodec<ArcPuzzle, ArcGrid> {
  return {
    name: 'arc',
    vocabSize: 12,
    seqLen: size * size,
    parse(input) {
      const o = input as { input?: unknown; output?: unknown } | null;
      if (!o || typeof o !== 'object' || !('input' in o)) throw new InvalidPuzzleError('arc: a test pair must be {input, output?}', []);
      return { input: parseArcGrid(o.input, ['input'], size), ...(o.output !== undefined ? { output: parseArcGrid(o.output, ['output'], size) } : {}) };
    },
    encode: (p) => encodeArcGrid(p.input, 0, 0, size),
    decode: (tokens) => cropArcCanvas(tokens),
    // With a known answer: exact match (the official metric). Without: only the crop rule can be checked.
    verify: (p, solution) => (p.output ? gridEquals(p.output, solution) : solution.rows > 0),
    format: toRows,
  };
}

export const arcCodec = createArcCodec();

/** One ARC augmentation: a colour map with black fixed, then dihedral transform k (spec §6.4). */
export interface ArcAugmentation {
  k: DihedralId;
  /** colourMap[c] for c = 0..9, colourMap[0] = 0. */
  colourMap: number[];
}

export function randomArcAugmentation(rng: Rng): ArcAugmentation {
  return { k: rng.int(0, 8) as DihedralId, colourMap: [0, ...rng.permutation(9).map((c) => c + 1)] };
}

/** D_k(map[grid]): colour first, then geometry. */
export function applyArcAugmentation(g: ArcGrid, a: ArcAugmentation): ArcGrid {
  return dihedral(
    createGrid(
      g.rows,
      g.cols,
      Uint8Array.from(g.cells, (c) => a.colourMap[c]!),
    ),
    a.k,
  );
}

/** inv[D_inverse(k)(grid)]: geometry undone first, then colours. */
export function invertArcAugmentation(g: ArcGrid, a: ArcAugmentation): ArcGrid {
  const inverse = new Array<number>(10);
  a.colourMap.forEach((to, from) => (inverse[to] = from));
  const back = dihedral(g, DIHEDRAL_INVERSE[a.k]!);
  return createGrid(
    back.rows,
    back.cols,
    Uint8Array.from(back.cells, (c) => inverse[c]!),
  );
}

const SEPARATOR = '|||';

/** Official identifier name of an augmented task: `<task>|||t<k>|||<map digits>`; the original keeps the bare id. */
export function arcAugmentedName(task: string, a: ArcAugmentation): string {
  return `${task}${SEPARATOR}t${a.k}${SEPARATOR}${a.colourMap.join('')}`;
}

/** The identifier of a task's original version (no augmentation suffix). */
export const isOriginalArcName = (name: string) => !name.includes(SEPARATOR);

/** Inverse of `arcAugmentedName` (official `inverse_aug`): a bare name means identity. */
export function parseArcName(name: string): { task: string; augmentation: ArcAugmentation } {
  const parts = name.split(SEPARATOR);
  if (parts.length === 1) return { task: name, augmentation: { k: 0, colourMap: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] } };
  const [t, map] = parts.slice(-2) as [string, string];
  const k = Number(t.slice(1));
  const colourMap = Array.from(map, Number);
  const sorted = [...colourMap].sort((a, b) => a - b).join('');
  if (parts.length !== 3 || t[0] !== 't' || !isDihedralId(k) || map.length !== 10 || sorted !== '0123456789' || colourMap[0] !== 0) {
    throw new InvalidPuzzleError(`arc: malformed augmented identifier ${JSON.stringify(name)} (expected <task>|||t<0-7>|||<permutation of 0-9 starting with 0>)`, []);
  }
  return { task: parts[0]!, augmentation: { k, colourMap } };
}

/**
 * Translation (train split only, official build): each example of a puzzle is placed at a random
 * (r0, c0) where both its input and output fit; one example per puzzle stays at (0, 0).
 */
export function randomArcOffset(rng: Rng, input: ArcGrid, output: ArcGrid, size = ARC_SIZE): [number, number] {
  return [rng.int(0, size - Math.max(input.rows, output.rows) + 1), rng.int(0, size - Math.max(input.cols, output.cols) + 1)];
}
