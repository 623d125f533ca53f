import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applySudokuShuffle,
  formatSudoku,
  gridEquals,
  invertSudokuShuffle,
  isSudokuSolution,
  parseSudoku,
  randomSudokuShuffle,
  sudokuCodec,
  tokenChecker,
} from '../../model/tasks/index.js';
import { createRng } from '../../model/core.js';
import { InvalidPuzzleError } from '../../model/index.js';
import { parseNpy } from '../../model/data/npy.js';
import { DATA, dataLines, SHARED } from '../helpers/paths.js';

const SETS = [
  ['sudoku/sudoku-extreme-train-sample-1k/puzzles.txt', 'sudoku/sudoku-extreme-train-sample-1k/solutions.txt'],
  ['sudoku/kaggle-3m-curated-5000/puzzles.txt.gz', 'sudoku/kaggle-3m-curated-5000/solutions.txt.gz'],
  ['sudoku/tdoku-17-clue/puzzles.txt.gz', 'sudoku/tdoku-17-clue/solutions.txt.gz'],
  ['sudoku/tdoku-magictour-top1465/puzzles.txt.gz', 'sudoku/tdoku-magictour-top1465/solutions.txt.gz'],
  ['sudoku/tdoku-forum-hardest-1905-11plus/puzzles.txt.gz', 'sudoku/tdoku-forum-hardest-1905-11plus/solutions.txt.gz'],
  ['sudoku/norvig/easy50.puzzles.txt', 'sudoku/norvig/easy50.solutions.txt'],
  ['sudoku/norvig/top95.puzzles.txt', 'sudoku/norvig/top95.solutions.txt'],
  ['sudoku/norvig/hardest.puzzles.txt', 'sudoku/norvig/hardest.solutions.txt'],
] as const;

describe('Sudoku codec', () => {
  it.each(SETS)('round-trips and verifies every puzzle of %s', (puzzleFile, solutionFile) => {
    const puzzles = dataLines(puzzleFile);
    const solutions = dataLines(solutionFile);
    expect(puzzles.length).toBe(solutions.length);
    puzzles.forEach((text, i) => {
      const puzzle = sudokuCodec.parse(text);
      const tokens = sudokuCodec.encode(puzzle);
      expect(formatSudoku(sudokuCodec.decode(tokens, puzzle))).toBe(text.replace(/0/g, '.'));
      const solution = sudokuCodec.parse(solutions[i]!);
      if (!sudokuCodec.verify(puzzle, solution)) throw new Error(`${puzzleFile}:${i + 1}: known solution rejected`);
      // Corrupt one non-given cell: the validator must reject it.
      const blank = puzzle.cells.indexOf(0);
      const corrupted = sudokuCodec.decode(
        Int32Array.from(sudokuCodec.encode(solution), (t, j) => (j === blank ? ((t - 1) % 9) + 2 : t)),
        puzzle,
      );
      if (isSudokuSolution(puzzle, corrupted)) throw new Error(`${puzzleFile}:${i + 1}: corrupted solution accepted`);
    });
  });

  it('tokenChecker accepts the official label tokens of every Sudoku-Extreme sample and rejects one changed cell', () => {
    const dir = join(DATA, 'sudoku/sudoku-extreme-train-sample-1k/hrm-processed/train');
    const [inputs, labels] = ['inputs', 'labels'].map((name) => parseNpy(readFileSync(join(dir, `all__${name}.npy`))).data);
    const check = tokenChecker('sudoku')!;
    for (let i = 0; i < 1000; i++) {
      const [puzzle, label] = [Int32Array.from(inputs!.subarray(i * 81, (i + 1) * 81)), Int32Array.from(labels!.subarray(i * 81, (i + 1) * 81))];
      expect(check(puzzle, label)).toBe(true);
      const blank = puzzle.indexOf(1); // token 1 = blank cell
      expect(
        check(
          puzzle,
          label.map((t, j) => (j === blank ? ((t - 1) % 9) + 2 : t)),
        ),
      ).toBe(false);
    }
  });

  it('round-trips every puzzle of the serg benchmark (several solutions each, so none to verify)', () => {
    const puzzles = dataLines('sudoku/tdoku-serg-benchmark/puzzles.txt.gz');
    expect(puzzles.length).toBe(10000);
    for (const text of puzzles) {
      const puzzle = parseSudoku(text);
      expect(formatSudoku(sudokuCodec.decode(sudokuCodec.encode(puzzle), puzzle))).toBe(text.replace(/0/g, '.'));
    }
  });

  it('encodes exactly as the official builder (npy arrays of the Sudoku-Extreme sample)', () => {
    const dir = join(DATA, 'sudoku/sudoku-extreme-train-sample-1k/hrm-processed/train');
    const inputs = parseNpy(readFileSync(join(dir, 'all__inputs.npy')));
    const labels = parseNpy(readFileSync(join(dir, 'all__labels.npy')));
    const puzzles = dataLines('sudoku/sudoku-extreme-train-sample-1k/puzzles.txt');
    const solutions = dataLines('sudoku/sudoku-extreme-train-sample-1k/solutions.txt');
    expect(inputs.shape).toEqual([1000, 81]);
    puzzles.forEach((p, i) => {
      expect(Array.from(sudokuCodec.encode(parseSudoku(p)))).toEqual(Array.from(inputs.data.subarray(i * 81, (i + 1) * 81)));
      expect(Array.from(sudokuCodec.encode(parseSudoku(solutions[i]!)))).toEqual(Array.from(labels.data.subarray(i * 81, (i + 1) * 81)));
    });
  });

  it("the official builder's augmented copies (official-dataset-tiny) are valid puzzle/solution pairs", () => {
    const dir = join(SHARED, 'fixtures/official-dataset-tiny/train');
    const inputs = parseNpy(readFileSync(join(dir, 'all__inputs.npy')));
    const labels = parseNpy(readFileSync(join(dir, 'all__labels.npy')));
    for (let i = 0; i < inputs.shape[0]!; i++) {
      const decode = (a: Int32Array) => sudokuCodec.decode(a.subarray(i * 81, (i + 1) * 81), parseSudoku('.'.repeat(81)));
      expect(isSudokuSolution(decode(inputs.data), decode(labels.data))).toBe(true);
    }
  });

  it('shuffle then its inverse is the identity, and a shuffled solution solves the shuffled puzzle', () => {
    const puzzles = dataLines('sudoku/tdoku-magictour-top1465/puzzles.txt.gz').slice(0, 50).map(parseSudoku);
    const solutions = dataLines('sudoku/tdoku-magictour-top1465/solutions.txt.gz').slice(0, 50).map(parseSudoku);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 49 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (i, seed) => {
        const shuffle = randomSudokuShuffle(createRng(seed));
        const [p, s] = [applySudokuShuffle(puzzles[i]!, shuffle), applySudokuShuffle(solutions[i]!, shuffle)];
        return isSudokuSolution(p, s) && gridEquals(invertSudokuShuffle(p, shuffle), puzzles[i]!) && gridEquals(invertSudokuShuffle(s, shuffle), solutions[i]!);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('draws every kind of shuffle: transposes, band and row moves, relabelled digits', () => {
    const rng = createRng(3);
    const draws = Array.from({ length: 200 }, () => randomSudokuShuffle(rng));
    expect(draws.some((d) => d.transpose) && draws.some((d) => !d.transpose)).toBe(true);
    for (const d of draws) {
      expect([...d.rowOrder].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(d.rowOrder.map((r) => Math.floor(r / 3)).every((band, i, all) => band === all[i - (i % 3)])).toBe(true); // rows stay within their band
      expect(d.digitMap[0]).toBe(0);
    }
  });

  it.each([
    ['1'.repeat(80), /expected 81 cells, got 80/],
    [`x${'.'.repeat(80)}`, /invalid character 'x' at row 1, col 1/],
    [`11${'.'.repeat(79)}`, /digit 1 appears twice in row 1 \(row 1, col 1 and row 1, col 2\)/],
    [`5${'.'.repeat(8)}5${'.'.repeat(71)}`, /digit 5 appears twice in col 1/],
    [[[1, 2]], /expected 9 rows, got 1/],
    [Array.from({ length: 9 }, (_, r) => Array.from({ length: 9 }, (_, c) => (r === 2 && c === 3 ? 12 : 0))), /invalid value 12 at row 3, col 4/],
    [42, /must be an 81-character string or a 9×9 array/],
  ])('refuses %j with a precise message', (input, message) => {
    expect(() => parseSudoku(input)).toThrow(InvalidPuzzleError);
    expect(() => parseSudoku(input)).toThrow(message);
  });

  it('accepts a 9×9 array with 0 or null blanks, and whitespace in strings', () => {
    const text = dataLines('sudoku/norvig/easy50.puzzles.txt')[0]!;
    const rows = Array.from({ length: 9 }, (_, r) => Array.from(text.slice(r * 9, r * 9 + 9), (ch) => (ch === '.' ? (r % 2 ? null : 0) : Number(ch))));
    expect(gridEquals(parseSudoku(rows), parseSudoku(text))).toBe(true);
    expect(gridEquals(parseSudoku(text.match(/.{9}/g)!.join('\n')), parseSudoku(text))).toBe(true);
  });
});
