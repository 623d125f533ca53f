import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applySudokuShuffle, createGrid, parseSudoku, randomSudokuShuffle } from '../../model/tasks/index.js';
import { createRng } from '../../model/core.js';
import { findSudokuShuffle, sudokuInvariant } from '../../model/tasks/sudoku-equivalence.js';
import { dataLines } from '../helpers/paths.js';

const cells = (line: string) => parseSudoku(line).cells;
const EXTREME = dataLines('sudoku/sudoku-extreme-train-sample-1k/puzzles.txt').map(cells);
const shuffled = (a: Uint8Array, s: ReturnType<typeof randomSudokuShuffle>) => applySudokuShuffle(createGrid(9, 9, a), s).cells;

/** The reference: every one of the 2·1296·1296 geometric shuffles, each checked for one digit bijection. */
function anyShuffleMaps(a: Uint8Array, b: Uint8Array): boolean {
  const p3 = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const orders = p3.flatMap((bands) => p3.flatMap((x) => p3.flatMap((y) => p3.map((z) => bands.flatMap((band, k) => [x, y, z][k]!.map((r) => band * 3 + r))))));
  for (const src of [a, Uint8Array.from({ length: 81 }, (_, i) => a[(i % 9) * 9 + Math.floor(i / 9)]!)]) {
    for (const rows of orders) {
      for (const cols of orders) {
        const map = new Int8Array(10).fill(-1),
          inverse = new Int8Array(10).fill(-1);
        map[0] = inverse[0] = 0;
        let fits = true;
        for (let k = 0; k < 81 && fits; k++) {
          const x = src[rows[Math.floor(k / 9)]! * 9 + cols[k % 9]!]!,
            y = b[k]!;
          if (map[x] === y) continue;
          if (map[x] !== -1 || inverse[y] !== -1) fits = false;
          else (map[x] = y), (inverse[y] = x);
        }
        if (fits) return true;
      }
    }
  }
  return false;
}

describe('Sudoku equivalence under the official shuffle', () => {
  it('finds, for any shuffle of a real puzzle, a shuffle that maps the puzzle onto it exactly; the invariant agrees', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: EXTREME.length - 1 }), fc.integer(), (i, seed) => {
        const a = EXTREME[i]!,
          b = shuffled(a, randomSudokuShuffle(createRng(seed)));
        expect(sudokuInvariant(b)).toBe(sudokuInvariant(a));
        const s = findSudokuShuffle(a, b);
        expect(s).toBeDefined();
        expect([...shuffled(a, s!)]).toEqual([...b]);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the shuffled copy of a 17-clue puzzle that Sudoku-Extreme holds (its sample #18 is 17-clue #4639)', () => {
    const clue17 = cells(dataLines('sudoku/tdoku-17-clue/puzzles.txt.gz')[4639]!);
    expect([...EXTREME[18]!].join('')).not.toBe([...clue17].join(''));
    const s = findSudokuShuffle(EXTREME[18]!, clue17);
    expect([...shuffled(EXTREME[18]!, s!)]).toEqual([...clue17]);
  });

  it('finds none where none exists, as trying every shuffle confirms: two givens swapped, and a real pair with equal invariants', () => {
    const a = EXTREME[0]!;
    const given = [...a.keys()].filter((k) => a[k]);
    const p = given[0]!,
      q = given.find((k) => a[k] !== a[p])!;
    const swapped = Uint8Array.from(a);
    [swapped[p], swapped[q]] = [a[q]!, a[p]!];
    expect(findSudokuShuffle(a, swapped)).toBeUndefined();
    expect(anyShuffleMaps(a, swapped)).toBe(false);

    const forum = cells(dataLines('sudoku/tdoku-forum-hardest-1905-11plus/puzzles.txt.gz')[3438]!);
    expect(sudokuInvariant(forum)).toBe(sudokuInvariant(EXTREME[216]!));
    expect(findSudokuShuffle(EXTREME[216]!, forum)).toBeUndefined();
    expect(anyShuffleMaps(EXTREME[216]!, forum)).toBe(false);
    // …and the reference does find a real shuffle.
    expect(anyShuffleMaps(a, shuffled(a, randomSudokuShuffle(createRng(3))))).toBe(true);
  }, 30_000);
});
