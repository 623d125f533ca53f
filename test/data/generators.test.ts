import { describe, expect, it } from 'vitest';
import { createRng, isMazeSolution, isSudokuSolution, createGrid, shortestDistance, solveMaze, gridEquals } from '../../model/index.js';
import { generateSudoku } from '../../model/data/sudoku-generator.js';
import { solveSudoku } from '../../model/data/sudoku-solver.js';
import { defaultMinPath, generateMaze } from '../../model/data/maze-generator.js';
import { sudokuGeneratorSource } from '../../model/data/sudoku-source.js';
import { countSolutions } from '../helpers/naive-sudoku.js';
import { dataLines } from '../helpers/paths.js';

describe('Sudoku generator', () => {
  it('makes valid puzzles with exactly one solution (checked by an independent solver) in the givens range', () => {
    const rng = createRng(21);
    for (let i = 0; i < 40; i++) {
      const g = generateSudoku(rng, { givens: [26, 34] });
      const givens = g.puzzle.filter((v) => v > 0).length;
      expect(givens).toBe(g.givens);
      expect(givens).toBeGreaterThanOrEqual(26);
      expect(givens).toBeLessThanOrEqual(34);
      expect(countSolutions(g.puzzle)).toBe(1);
      expect(isSudokuSolution(createGrid(9, 9, g.puzzle), createGrid(9, 9, g.solution))).toBe(true);
    }
  });

  it('filters by solver-based difficulty: rating = guesses beyond naked/hidden singles', () => {
    const rng = createRng(4);
    for (let i = 0; i < 10; i++) expect(generateSudoku(rng, { givens: [22, 26], rating: [3, 1000] }).rating).toBeGreaterThanOrEqual(3);
    // Known sets: the Kaggle easy puzzles need no guess; magictour's hard ones do.
    const rate = (line: string) => solveSudoku(Uint8Array.from(line, (c) => (c === '.' ? 0 : Number(c)))).guesses;
    expect(dataLines('sudoku/kaggle-3m-curated-5000/puzzles.txt.gz').slice(0, 50).every((p) => rate(p) === 0)).toBe(true);
    expect(dataLines('sudoku/tdoku-magictour-top1465/puzzles.txt.gz').slice(0, 50).every((p) => rate(p) > 0)).toBe(true);
  });

  it('is seeded: same seed, same puzzles; a source resumes from its state', () => {
    const a = sudokuGeneratorSource(9, { givens: [30, 35] });
    const b = sudokuGeneratorSource(9, { givens: [30, 35] });
    expect(a.next(3)).toEqual(b.next(3));
    const state = a.state();
    const next = a.next(2);
    b.restore(state);
    expect(b.next(2)).toEqual(next);
  });

  it('the solver agrees with the independent oracle on uniqueness (Serg: several solutions each)', () => {
    for (const line of dataLines('sudoku/tdoku-serg-benchmark/puzzles.txt.gz').slice(0, 30)) {
      const grid = Uint8Array.from(line, (c) => (c === '.' || c === '0' ? 0 : Number(c)));
      expect(solveSudoku(grid, 2).count).toBe(2);
      expect(countSolutions(grid, 2)).toBe(2);
    }
  });
});

describe('Maze generator', () => {
  it.each([[30, 110], [11, 20], [7, 12]] as const)('a maze of side %i (minimum path %s cells) has one S, one G and a long enough shortest path', (size, min) => {
    const rng = createRng(size);
    for (let i = 0; i < (size === 30 ? 10 : 30); i++) {
      const { puzzle, solution } = generateMaze(rng, { size, minPathCells: min });
      expect(puzzle.cells.filter((t) => t === 3).length).toBe(1);
      expect(puzzle.cells.filter((t) => t === 4).length).toBe(1);
      expect(shortestDistance(puzzle) + 1).toBeGreaterThanOrEqual(min);
      expect(isMazeSolution(puzzle, solution)).toBe(true);
      // The label is the official Down-Left-Right-Up tie-break path.
      expect(gridEquals(solution, solveMaze(puzzle)!)).toBe(true);
      const walls = puzzle.cells.filter((t) => t === 1).length / puzzle.cells.length;
      expect(walls).toBeGreaterThanOrEqual(0.27);
      expect(walls).toBeLessThanOrEqual(0.46);
    }
  });

  it('scales the Maze-Hard filter (110 cells at 30×30) to other sizes by default', () => {
    expect(defaultMinPath(30)).toBe(110);
    expect(defaultMinPath(15)).toBe(55);
  });
});
