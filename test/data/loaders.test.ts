import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSudoku, isMazeSolution, isSudokuSolution, parseSudoku, sudokuCodec, createMazeCodec } from '../../model/tasks/index.js';
import { TrmError } from '../../model/index.js';
import { officialSource, splitExamples } from '../../model/data/official-dataset.js';
import { parseNpy } from '../../model/data/npy.js';
import { solveSudoku } from '../../model/data/sudoku-solver.js';
import { openEvalSet, openTrainingData, readOfficialSplit } from '../../scripts/lib/data-spec.js';
import { DATA, SHARED, dataLines as dataLinesOf } from '../helpers/paths.js';

const TINY = join(SHARED, 'fixtures/official-dataset-tiny');

describe('official-format datasets', () => {
  it('reads the tiny official dataset (int64 train arrays, uint8 test arrays) as the official loader', async () => {
    const train = await readOfficialSplit(TINY, 'train');
    const test = await readOfficialSplit(TINY, 'test');
    expect(train.metadata).toMatchObject({ vocab_size: 11, seq_len: 81, total_groups: 20, total_puzzles: 20 });
    expect([...train.groupIndices]).toEqual(Array.from({ length: 21 }, (_, i) => 3 * i));
    expect(splitExamples(train)).toHaveLength(60);
    expect(splitExamples(test)).toHaveLength(5);
    // The first puzzle of each group is the CSV's puzzle, un-augmented.
    const csv = readFileSync(join(TINY, 'source-csv/train.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const blank = parseSudoku('.'.repeat(81));
    for (let g = 0; g < 20; g++) {
      const e = splitExamples(train)[3 * g]!;
      expect(formatSudoku(sudokuCodec.decode(e.tokens, blank))).toBe(csv[g]![1]);
      expect(formatSudoku(sudokuCodec.decode(e.labels, blank))).toBe(csv[g]![2]);
    }
    for (const e of splitExamples(train)) expect(isSudokuSolution(sudokuCodec.decode(e.tokens, blank), sudokuCodec.decode(e.labels, blank))).toBe(true);
  });

  it('samples as the official loader: one puzzle per group per epoch, every group once', () => {
    return readOfficialSplit(TINY, 'train').then((train) => {
      const source = officialSource(train, 5);
      const epoch = source.next(20);
      const groupOf = (e: { tokens: Int32Array }) => splitExamples(train).findIndex((x) => x.tokens.every((t, i) => t === e.tokens[i])) / 3;
      expect(new Set(epoch.map((e) => Math.floor(groupOf(e)))).size).toBe(20);
    });
  });

  it('reads the Maze-Hard arrays; every label is an optimal path', async () => {
    const set = await openEvalSet(`official:${join(DATA, 'maze-30x30-hard-1k/hrm-processed')}`);
    expect(set.examples).toHaveLength(1000);
    expect(set.shape).toMatchObject({ task: 'maze', seqLen: 900, vocabSize: 6 });
    const codec = createMazeCodec();
    for (const e of set.examples) expect(isMazeSolution(codec.decode(e.tokens, null as never), codec.decode(e.labels, null as never))).toBe(true);
    const { source } = await openTrainingData(`official:${join(DATA, 'maze-30x30-hard-1k/hrm-processed')}`, 3);
    expect(source.next(4).every((e) => e.tokens.length === 900)).toBe(true);
  });

  it('refuses broken .npy files and dataset folders with a clear error', async () => {
    const good = new Uint8Array(readFileSync(join(TINY, 'test/all__inputs.npy')));
    expect(() => parseNpy(good.subarray(0, good.length - 10), 'x.npy')).toThrow(/x\.npy: truncated/);
    expect(() => parseNpy(new TextEncoder().encode('not numpy at all'), 'y.npy')).toThrow(/not a \.npy file/);
    const floats = new Uint8Array(good);
    floats.set(new TextEncoder().encode("'<f4'"), new TextDecoder().decode(good.subarray(0, 128)).indexOf("'|u1'"));
    expect(() => parseNpy(floats, 'z.npy')).toThrow(/dtype <f4 is not an integer type/);
    await expect(readOfficialSplit(join(DATA, 'sudoku'))).rejects.toThrow(TrmError);
    await expect(openTrainingData('sudoku-gen:40', 1)).rejects.toThrow(/givens must be <min>-<max>/);
    await expect(openTrainingData('chess:x', 1)).rejects.toThrow(/unknown kind "chess"/);
    await expect(openTrainingData('chess:x:n=1', 1)).rejects.toThrow(/unknown kind "chess"/);
  });

  it('refuses options a kind does not take, or malformed ones, instead of ignoring them', async () => {
    await expect(openTrainingData('sudoku-gen:20-28:ratng=4-9', 1)).rejects.toThrow(/unknown option "ratng" \(this kind takes rating\)/);
    await expect(openTrainingData('sudoku-gen:20-28:seed=7', 1)).rejects.toThrow(/unknown option "seed"/);
    await expect(openEvalSet('sudoku-gen:20-28:seed=7:count=ten')).rejects.toThrow(/count must be a whole number ≥ 1, got "ten"/);
    await expect(openEvalSet('maze-gen:10:seed=7:count=0')).rejects.toThrow(/count must be a whole number ≥ 1/);
    await expect(openEvalSet('maze-gen:10:seed=7:min')).rejects.toThrow(/expected name=value, got "min"/);
    await expect(openEvalSet(`official:${TINY}:count=3`)).rejects.toThrow(/unknown option "count" \(this kind takes none\)/);
  });

  it('generates a rated held-out Sudoku set when asked (every puzzle needs that many solver guesses)', async () => {
    const rated = await openEvalSet('sudoku-gen:20-28:seed=7:count=3:rating=4-999');
    expect(rated.description).toBe('generated Sudoku (20-28 givens, rating 4-999 guesses, seed 7, 3)');
    const plain = await openEvalSet('sudoku-gen:20-28:seed=7:count=3');
    expect(rated.examples.map((e) => e.tokens.join())).not.toEqual(plain.examples.map((e) => e.tokens.join()));
    const blank = parseSudoku('.'.repeat(81));
    for (const e of rated.examples) expect(solveSudoku(sudokuCodec.decode(e.tokens, blank).cells, 1).guesses).toBeGreaterThanOrEqual(4);
  });

  it('mixes sources by weight, and resumes a mixture exactly', async () => {
    const { source } = await openTrainingData(`3*sudoku-gen:40-45 + 1*sudoku:${join(DATA, 'sudoku/sudoku-extreme-train-sample-1k')}`, 2);
    expect(source.description).toMatch(/^75% generated Sudoku .* \+ 25% .*sudoku-extreme-train-sample-1k/);
    source.next(5);
    const state = JSON.parse(JSON.stringify(source.state()));
    const after = source.next(6);
    source.restore(state);
    expect(source.next(6)).toEqual(after);
  });

  it('takes a range of a puzzle folder for evaluation (e.g. one Kaggle level of 1000)', async () => {
    const set = await openEvalSet(`sudoku:${join(DATA, 'sudoku/kaggle-3m-curated-5000')}:from=1000:count=5`);
    expect(set.description).toBe('kaggle-3m-curated-5000 #1000-1004 (5 of 5000)');
    const lines = dataLinesOf('sudoku/kaggle-3m-curated-5000/puzzles.txt.gz').slice(1000, 1005);
    expect(set.examples.map((e) => formatSudoku(sudokuCodec.decode(e.tokens, parseSudoku('.'.repeat(81)))))).toEqual(lines);
    await expect(openEvalSet(`sudoku:${join(DATA, 'sudoku/kaggle-3m-curated-5000')}:from=6000`)).rejects.toThrow(/leaves no puzzle of 5000/);
  });
});
