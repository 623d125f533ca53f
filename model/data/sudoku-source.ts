/**
 * Sudoku training data: generated puzzles (never runs out) or a list of puzzles with their
 * solutions, each draw augmented by the official shuffle (spec §6.2; the official builder stores
 * 1000 shuffled copies per puzzle, drawing them on the fly is the same distribution).
 */
import { createRng, type RngState } from '../rng.js';
import { applySudokuShuffle, randomSudokuShuffle, sudokuCodec } from '../tasks/sudoku.js';
import { createGrid } from '../tasks/grid.js';
import { checkSudokuOptions, generateSudoku, type SudokuGeneratorOptions } from './sudoku-generator.js';
import { createEpochs } from './epochs.js';
import type { DataSource, Example } from './source.js';

const example = (puzzle: Uint8Array, solution: Uint8Array): Example => ({
  tokens: sudokuCodec.encode(createGrid(9, 9, puzzle)),
  labels: sudokuCodec.encode(createGrid(9, 9, solution)),
  id: 0,
});

export function sudokuGeneratorSource(seed: number, options: SudokuGeneratorOptions): DataSource {
  checkSudokuOptions(options);
  let rng = createRng(seed);
  const rating = options.rating ? `, rating ${options.rating[0]}-${options.rating[1]} guesses` : '';
  return {
    description: `generated Sudoku (seed ${seed}, ${options.givens[0]}-${options.givens[1]} givens${rating})`,
    next: (count) =>
      Array.from({ length: count }, () => {
        const g = generateSudoku(rng, options);
        return example(g.puzzle, g.solution);
      }),
    state: () => rng.state(),
    restore: (s) => void (rng = createRng(s as RngState)),
  };
}

/**
 * Puzzles with solutions (81-value arrays), visited in seeded epochs; with `augment`, each draw
 * is a fresh official shuffle of the puzzle (the untouched original with probability 1/1001, as
 * the official builder's 1 original + 1000 copies).
 */
export function sudokuListSource(name: string, puzzles: Uint8Array[], solutions: Uint8Array[], seed: number, augment = true): DataSource {
  if (puzzles.length === 0 || puzzles.length !== solutions.length) throw new RangeError(`${name}: ${puzzles.length} puzzles for ${solutions.length} solutions`);
  const epochs = createEpochs(puzzles.length, seed);
  return {
    description: `${name} (${puzzles.length} puzzles${augment ? ', official shuffle augmentation' : ''})`,
    next(count) {
      const rng = epochs.rng;
      return Array.from({ length: count }, () => {
        const i = epochs.next();
        if (!augment || rng.int(0, 1001) === 0) return example(puzzles[i]!, solutions[i]!);
        const shuffle = randomSudokuShuffle(rng);
        return example(applySudokuShuffle(createGrid(9, 9, puzzles[i]!), shuffle).cells, applySudokuShuffle(createGrid(9, 9, solutions[i]!), shuffle).cells);
      });
    },
    state: epochs.state,
    restore: epochs.restore,
  };
}
