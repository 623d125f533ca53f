import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../model/core.js';
import { isMazeSolution, isSudokuSolution, createGrid, shortestDistance, solveMaze, gridEquals } from '../../model/tasks/index.js';
import { TrmError } from '../../model/index.js';
import { generateSudoku, MAX_SUDOKU_CANDIDATES } from '../../model/data/sudoku-generator.js';
import { solveSudoku } from '../../model/data/sudoku-solver.js';
import { defaultMinPath, generateMaze, mazeGeneratorSource, mazeLayoutBudget } from '../../model/data/maze-generator.js';
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
    expect(
      dataLines('sudoku/kaggle-3m-curated-5000/puzzles.txt.gz')
        .slice(0, 50)
        .every((p) => rate(p) === 0),
    ).toBe(true);
    expect(
      dataLines('sudoku/tdoku-magictour-top1465/puzzles.txt.gz')
        .slice(0, 50)
        .every((p) => rate(p) > 0),
    ).toBe(true);
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

  it('checks its options when the source is made, not at the first puzzle', () => {
    expect(() => sudokuGeneratorSource(1, { givens: [36, 22] })).toThrow(/givens must be integers with 17 ≤ min ≤ max ≤ 81, got 36-22/);
    expect(() => sudokuGeneratorSource(1, { givens: [10, 20] })).toThrow(TrmError);
    expect(() => sudokuGeneratorSource(1, { givens: [22, 36], rating: [5, 1] })).toThrow(/rating must be whole numbers of guesses with min ≤ max, got 5-1/);
    expect(() => generateSudoku(createRng(1), { givens: [22, 36], rating: [5, 1] })).toThrow(TrmError);
  });

  it('gives up on a rating no candidate reaches after a stated number of candidates instead of spinning forever', () => {
    // 75-81 givens are always solved by singles (rating 0), so rating 1-5 is never met.
    expect(MAX_SUDOKU_CANDIDATES).toBe(2000);
    expect(() => generateSudoku(createRng(1), { givens: [75, 81], rating: [1, 5] })).toThrow(/no Sudoku with 75-81 givens was rated 1-5 guesses in 2000 candidates/);
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
  it.each([
    [30, 110],
    [11, 20],
    [7, 12],
  ] as const)('a maze of side %i (minimum path %s cells) has one S, one G and a long enough shortest path', (size, min) => {
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

  it('scales the Maze-Hard filter (110 cells at 30×30) to other sizes by default; below 8×8, where that is out of reach, 2·size', () => {
    expect(defaultMinPath(30)).toBe(110);
    expect(defaultMinPath(15)).toBe(55);
    expect([8, 9, 10].map(defaultMinPath)).toEqual([29, 33, 37]);
    expect([4, 5, 6, 7].map(defaultMinPath)).toEqual([8, 10, 12, 14]);
    const rng = createRng(6);
    for (const size of [4, 5, 6, 7]) {
      for (let i = 0; i < 5; i++) expect(shortestDistance(generateMaze(rng, { size }).puzzle) + 1).toBeGreaterThanOrEqual(2 * size);
    }
  });

  it("makes the same 10×10 mazes as before the option checks and the layout budget (the shipped model card's sets)", () => {
    const hash = createHash('sha256');
    for (const min of [undefined, 10, 16, 20, 24]) {
      for (const e of mazeGeneratorSource(5, { size: 10, ...(min ? { minPathCells: min } : {}) }).next(3)) hash.update(`${e.tokens.join('')}|${e.labels.join('')};`);
    }
    expect(hash.digest('hex').slice(0, 16)).toBe('c3be8fc53ff8e3a0'); // computed with the generator of commit 5030d0f
  });

  it('checks its options when the source is made: size, and a minimum path of 2 cells (S ≠ G) to half the cells', () => {
    expect(() => mazeGeneratorSource(1, { size: 3 })).toThrow(/maze size must be an integer in \[4, 30\], got 3/);
    expect(() => mazeGeneratorSource(1, { size: NaN })).toThrow(TrmError);
    expect(() => mazeGeneratorSource(1, { size: 6, minPathCells: 1000 })).toThrow(/a 6×6 maze cannot reliably have a 1000-cell shortest path \(at most 18\)/);
    for (const min of [0, 1]) expect(() => mazeGeneratorSource(1, { size: 6, minPathCells: min })).toThrow(/at least 2 cells \(S and G are distinct\), got/);
    expect(() => generateMaze(createRng(1), { size: 6, minPathCells: 0 })).toThrow(TrmError);
    const { puzzle } = generateMaze(createRng(1), { size: 6, minPathCells: 2 });
    expect(shortestDistance(puzzle)).toBeGreaterThanOrEqual(1);
  });

  it('gives up after its layout budget when no wall layout has a long enough path, instead of spinning forever', () => {
    expect(mazeLayoutBudget(10)).toBe(100_000);
    // 95 % walls leave one open cell on a 4×4 grid: never an S and a G.
    expect(() => generateMaze(createRng(1), { size: 4, minPathCells: 4, density: [0.95, 0.95] })).toThrow(
      /no 4×4 maze with a shortest path of at least 4 cells in 625000 wall layouts/,
    );
  });
});
