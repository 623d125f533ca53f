/** The task symmetries behind test-time tries: exact inverses that map puzzles to puzzles and answers to answers. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../model/core.js';
import { isMazeSolution, isSudokuSolution, mazeSymmetries, parseSudoku, sudokuSymmetries, taskSymmetries, createGrid } from '../../model/tasks/index.js';
import { generateMaze } from '../../model/data/maze-generator.js';
import { dataLines } from '../helpers/paths.js';

const tokensOf = (cells: Uint8Array, offset: number) => Int32Array.from(cells, (v) => v + offset);

describe('Sudoku symmetries on tokens', () => {
  const puzzles = dataLines('sudoku/kaggle-3m-curated-5000/puzzles.txt.gz').slice(0, 20);
  const solutions = dataLines('sudoku/kaggle-3m-curated-5000/solutions.txt.gz').slice(0, 20);

  it('map a puzzle and its solution to a puzzle and its solution, and invert exactly (PAD and blank kept)', () => {
    const rng = createRng(3);
    const seen = new Set<string>();
    puzzles.forEach((text, i) => {
      const s = sudokuSymmetries.draw(1, rng);
      const [p, sol] = [tokensOf(parseSudoku(text).cells, 1), tokensOf(parseSudoku(solutions[i]!).cells, 1)];
      const [p2, sol2] = [s.apply(p), s.apply(sol)];
      const grid = (t: Int32Array) =>
        createGrid(
          9,
          9,
          Uint8Array.from(t, (v) => v - 1),
        );
      expect(isSudokuSolution(grid(p2), grid(sol2))).toBe(true);
      expect([...p2].filter((t) => t === 1)).toHaveLength([...p].filter((t) => t === 1).length);
      expect(s.invert(p2)).toEqual(p);
      expect(s.invert(sol2)).toEqual(sol);
      const withPad = Int32Array.from(sol, (t, j) => (j % 7 ? t : 0));
      expect(s.invert(s.apply(withPad))).toEqual(withPad);
      seen.add(p2.join());
    });
    expect(seen.size).toBe(puzzles.length);
    expect(taskSymmetries('sudoku')).toBe(sudokuSymmetries);
    expect(taskSymmetries('arc')).toBeUndefined();
  });
});

describe('Maze symmetries on tokens', () => {
  it('are the 7 other dihedral transforms of a square maze: solutions stay solutions, inverses are exact', () => {
    const rng = createRng(5);
    const group = mazeSymmetries(10, 10);
    expect(group.size).toBe(7);
    expect(mazeSymmetries(10, 12).size).toBe(3);
    expect(taskSymmetries('maze', 100)!.size).toBe(7);
    for (let m = 0; m < 5; m++) {
      const { puzzle, solution } = generateMaze(rng, { size: 10, minPathCells: 12 });
      const p = Int32Array.from(puzzle.cells);
      const sol = Int32Array.from(solution.cells);
      const images = new Set<string>([p.join()]);
      for (let k = 1; k <= 7; k++) {
        const s = group.draw(k, rng);
        const [p2, sol2] = [s.apply(p), s.apply(sol)];
        expect(isMazeSolution(createGrid(10, 10, Uint8Array.from(p2)), createGrid(10, 10, Uint8Array.from(sol2)))).toBe(true);
        expect(s.invert(p2)).toEqual(p);
        expect(s.invert(sol2)).toEqual(sol);
        images.add(p2.join());
      }
      expect(images.size).toBe(8); // a maze with S and G is never symmetric enough to repeat here
    }
    expect(() => group.draw(8, rng)).toThrow(/has 7 symmetries besides the identity, not 8/);
  });
});
