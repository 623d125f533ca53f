/**
 * Sudoku codec (official dataset/build_sudoku_dataset.py, spec §6.2).
 * Puzzle: 81 cells row-major, 0 = blank, 1-9 = given. Token = value + 1 (PAD 0 unused, blank 1,
 * digits 2-10); V = 11, S = 81. Augmentation: transpose, band/row and stack/column permutations,
 * digit relabelling (`shuffle_sudoku`), with its exact inverse.
 */
import { InvalidPuzzleError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { SymmetryGroup, TaskCodec } from './codec.js';
import { createGrid, type Grid } from './grid.js';

/** 9×9 grid of values 0-9 (0 = blank or undetermined). */
export type SudokuGrid = Grid;

const N = 9;
const where = (i: number) => `row ${Math.floor(i / N) + 1}, col ${(i % N) + 1}`;

/** Parses an 81-character string ('.' or '0' blank, whitespace ignored) or a 9×9 array of 0-9 (null blank). */
export function parseSudoku(input: unknown): SudokuGrid {
  const cells = new Uint8Array(81);
  if (typeof input === 'string') {
    const text = input.replace(/\s+/g, '');
    if (text.length !== 81) throw new InvalidPuzzleError(`sudoku: expected 81 cells, got ${text.length}`, []);
    for (let i = 0; i < 81; i++) {
      const ch = text[i]!;
      if (ch === '.' || ch === '0') continue;
      if (ch < '1' || ch > '9') throw new InvalidPuzzleError(`sudoku: invalid character '${ch}' at ${where(i)} (use 1-9 for givens, '.' or '0' for blanks)`, [i]);
      cells[i] = ch.charCodeAt(0) - 48;
    }
  } else if (Array.isArray(input)) {
    if (input.length !== N) throw new InvalidPuzzleError(`sudoku: expected 9 rows, got ${input.length}`, []);
    input.forEach((row: unknown, r) => {
      if (!Array.isArray(row) || row.length !== N) throw new InvalidPuzzleError(`sudoku: row ${r + 1} must be an array of 9 cells`, [r]);
      row.forEach((v: unknown, c) => {
        if (v === null || v === 0) return;
        if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 9) {
          throw new InvalidPuzzleError(`sudoku: invalid value ${JSON.stringify(v)} at row ${r + 1}, col ${c + 1} (use 1-9, or 0/null for blanks)`, [r, c]);
        }
        cells[r * N + c] = v as number;
      });
    });
  } else {
    throw new InvalidPuzzleError('sudoku: puzzle must be an 81-character string or a 9×9 array', []);
  }
  const conflict = findConflict(cells);
  if (conflict) throw new InvalidPuzzleError(`sudoku: the givens conflict: ${conflict.message}`, [conflict.index]);
  return createGrid(N, N, cells);
}

const UNITS: { name: string; cells: number[] }[] = [
  ...Array.from({ length: N }, (_, r) => ({ name: `row ${r + 1}`, cells: Array.from({ length: N }, (_, c) => r * N + c) })),
  ...Array.from({ length: N }, (_, c) => ({ name: `col ${c + 1}`, cells: Array.from({ length: N }, (_, r) => r * N + c) })),
  ...Array.from({ length: N }, (_, b) => ({
    name: `box ${b + 1}`,
    cells: Array.from({ length: N }, (_, k) => (Math.floor(b / 3) * 3 + Math.floor(k / 3)) * N + (b % 3) * 3 + (k % 3)),
  })),
];

/** The first repeated digit in a row, column or box, if any. */
function findConflict(cells: Uint8Array): { message: string; index: number } | null {
  for (const unit of UNITS) {
    const seen = new Map<number, number>();
    for (const i of unit.cells) {
      const v = cells[i]!;
      if (v === 0) continue;
      if (seen.has(v)) return { message: `digit ${v} appears twice in ${unit.name} (${where(seen.get(v)!)} and ${where(i)})`, index: i };
      seen.set(v, i);
    }
  }
  return null;
}

export const formatSudoku = (g: SudokuGrid): string => Array.from(g.cells, (v) => (v === 0 ? '.' : String(v))).join('');

/** A solved grid: every cell 1-9, no unit repeats a digit, and every given of `puzzle` kept. */
export function isSudokuSolution(puzzle: SudokuGrid, solution: SudokuGrid): boolean {
  return solution.cells.every((v, i) => v >= 1 && v <= 9 && (puzzle.cells[i] === 0 || puzzle.cells[i] === v)) && findConflict(solution.cells) === null;
}

/** One draw of the official `shuffle_sudoku` augmentation. */
export interface SudokuShuffle {
  transpose: boolean;
  /** new row i takes old row rowOrder[i] (bands permuted, rows within each band permuted). */
  rowOrder: number[];
  colOrder: number[];
  /** digitMap[v] for v = 0..9, with digitMap[0] = 0. */
  digitMap: number[];
}

/** Draws a shuffle: digit relabelling, transpose with p = ½, then band/row and stack/column orders. */
export function randomSudokuShuffle(rng: Rng): SudokuShuffle {
  const digitMap = [0, ...rng.permutation(9).map((d) => d + 1)];
  const transpose = rng.next() < 0.5;
  const order = () => rng.permutation(3).flatMap((band) => rng.permutation(3).map((r) => band * 3 + r));
  const rowOrder = order();
  return { transpose, rowOrder, colOrder: order(), digitMap };
}

/** Where each cell comes from: new cell i takes old cell `source[i]` ((transpose ? gᵀ : g)[rowOrder[i]][colOrder[j]]). */
function shuffleSource(s: SudokuShuffle): Int32Array {
  const source = new Int32Array(81);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const [r, c] = [s.rowOrder[i]!, s.colOrder[j]!];
      source[i * N + j] = s.transpose ? c * N + r : r * N + c;
    }
  }
  return source;
}

/** new[i][j] = digitMap[(transpose ? gᵀ : g)[rowOrder[i]][colOrder[j]]] (official order). */
export function applySudokuShuffle(g: SudokuGrid, s: SudokuShuffle): SudokuGrid {
  const source = shuffleSource(s);
  return createGrid(
    N,
    N,
    Uint8Array.from(source, (from) => s.digitMap[g.cells[from]!]!),
  );
}

/** The exact inverse of `applySudokuShuffle(·, s)`. */
export function invertSudokuShuffle(g: SudokuGrid, s: SudokuShuffle): SudokuGrid {
  const inverseDigit = new Array<number>(10);
  s.digitMap.forEach((to, from) => (inverseDigit[to] = from));
  const placed = new Uint8Array(81);
  shuffleSource(s).forEach((from, i) => (placed[from] = inverseDigit[g.cells[i]!]!));
  return createGrid(N, N, placed);
}

/**
 * Sudoku's symmetries on tokens: a random official shuffle per copy (2·6⁸·9! of them). Digit tokens
 * 2-10 are relabelled; PAD and blank (0, 1), which a model's answer may hold, stay as they are.
 */
export const sudokuSymmetries: SymmetryGroup = {
  size: Infinity,
  draw(_k, rng) {
    const s = randomSudokuShuffle(rng);
    const source = shuffleSource(s);
    const map = Int32Array.from({ length: 11 }, (_, t) => (t >= 2 ? s.digitMap[t - 1]! + 1 : t));
    const unmap = new Int32Array(11);
    map.forEach((to, from) => (unmap[to] = from));
    return {
      apply: (tokens) => Int32Array.from(source, (from) => map[tokens[from]!]!),
      invert(tokens) {
        const out = new Int32Array(81);
        source.forEach((from, i) => (out[from] = unmap[tokens[i]!]!));
        return out;
      },
    };
  },
};

export const sudokuCodec: TaskCodec<SudokuGrid> = {
  name: 'sudoku',
  vocabSize: 11,
  seqLen: 81,
  parse: parseSudoku,
  encode: (p) => Int32Array.from(p.cells, (v) => v + 1),
  // Digits are tokens 2-10; PAD (0) or blank (1) predictions decode to 0, an unfilled cell.
  decode: (tokens) =>
    createGrid(
      N,
      N,
      Uint8Array.from(tokens, (t) => (t >= 2 && t <= 10 ? t - 1 : 0)),
    ),
  verify: isSudokuSolution,
  format: formatSudoku,
  symmetries: sudokuSymmetries,
};
