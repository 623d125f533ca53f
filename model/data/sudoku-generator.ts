/**
 * A seeded generator of unique-solution 9×9 Sudokus with controlled difficulty: a random full grid,
 * then cells removed in random order while the puzzle keeps exactly one solution, down to a target
 * number of givens. Difficulty is reported as the givens count and the solver's guess count
 * (0 = singles suffice). Below ~22 givens most grids hit a minimal puzzle first; the generator
 * then returns the minimal puzzle it reached.
 */
import { TrmError } from '../errors.js';
import type { Rng } from '../rng.js';
import { solveSudoku } from './sudoku-solver.js';

export interface GeneratedSudoku {
  /** 81 values, 0 = blank. */
  puzzle: Uint8Array;
  /** 81 digits 1-9. */
  solution: Uint8Array;
  givens: number;
  /** Guesses the solver needed: the difficulty rating. */
  rating: number;
}

export interface SudokuGeneratorOptions {
  /** Target givens, drawn uniformly from [min, max] per puzzle. */
  givens: readonly [number, number];
  /** Keep only puzzles whose rating lies in [min, max] (default: any). */
  rating?: readonly [number, number];
}

/** A uniformly shuffled complete grid: the three diagonal boxes are independent, the rest is solved with random digit order. */
function randomSolution(rng: Rng): Uint8Array {
  for (;;) {
    const grid = new Uint8Array(81);
    for (let box = 0; box < 3; box++) {
      const digits = rng.permutation(9).map((d) => d + 1);
      digits.forEach((d, k) => (grid[(box * 3 + Math.floor(k / 3)) * 9 + box * 3 + (k % 3)] = d));
    }
    const solved = solveSudoku(
      grid,
      1,
      rng.permutation(9).map((d) => d + 1),
    ).solution;
    if (solved) return solved;
  }
}

/**
 * Candidates drawn for one puzzle before a rating filter gives up. Measured: 20-28 givens at rating 8-999 keep
 * 7 % of candidates (about 14 per puzzle, at most 81 in 300 puzzles), 1 % at rating 20-999, so a range in use
 * practically never fails; one that no candidate reaches ends after about 10 s instead of spinning forever.
 */
export const MAX_SUDOKU_CANDIDATES = 2000;

/** Throws a TrmError('invalid_data') naming the bad option; the source factory and each generation call it. */
export function checkSudokuOptions({ givens: [lo, hi], rating }: SudokuGeneratorOptions): void {
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && 17 <= lo && lo <= hi && hi <= 81)) {
    throw new TrmError('invalid_data', `givens must be integers with 17 ≤ min ≤ max ≤ 81, got ${lo}-${hi}`);
  }
  if (rating && !(Number.isInteger(rating[0]) && Number.isInteger(rating[1]) && 0 <= rating[0] && rating[0] <= rating[1])) {
    throw new TrmError('invalid_data', `rating must be whole numbers of guesses with min ≤ max, got ${rating[0]}-${rating[1]}`);
  }
}

export function generateSudoku(rng: Rng, options: SudokuGeneratorOptions): GeneratedSudoku {
  checkSudokuOptions(options);
  const [lo, hi] = options.givens;
  for (let candidate = 0; candidate < MAX_SUDOKU_CANDIDATES; candidate++) {
    const solution = randomSolution(rng);
    const puzzle = solution.slice();
    const target = rng.int(lo, hi + 1);
    let givens = 81;
    for (const cell of rng.permutation(81)) {
      if (givens <= target) break;
      const kept = puzzle[cell]!;
      puzzle[cell] = 0;
      if (solveSudoku(puzzle, 2).count === 1) givens--;
      else puzzle[cell] = kept;
    }
    const rating = solveSudoku(puzzle, 1).guesses;
    if (!options.rating || (rating >= options.rating[0] && rating <= options.rating[1])) return { puzzle, solution, givens, rating };
  }
  const [a, b] = options.rating!;
  throw new TrmError('invalid_data', `no Sudoku with ${lo}-${hi} givens was rated ${a}-${b} guesses in ${MAX_SUDOKU_CANDIDATES} candidates (too rare a rating for these givens)`);
}
