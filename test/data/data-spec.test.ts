/** Bad `--data` specs and broken data files: a TrmError('invalid_data') naming the spec or the file, never a crash. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createMazeCodec, shortestDistance } from '../../model/tasks/index.js';
import { openEvalSet, openTrainingData, readSudokuFolder } from '../../scripts/lib/data-spec.js';
import { DATA, SHARED } from '../helpers/paths.js';

const TMP = mkdtempSync(join(tmpdir(), 'trm-data-spec-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A folder under TMP holding these files (a value of null: a sub-folder of that name). */
function folder(name: string, files: Record<string, string | null>): string {
  const dir = join(TMP, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    if (text === null) mkdirSync(join(dir, file));
    else writeFileSync(join(dir, file), text);
  }
  return dir;
}

const invalid = (message: RegExp) => expect.objectContaining({ name: 'TrmError', code: 'invalid_data', message: expect.stringMatching(message) });

const [PUZZLE, SOLUTION] = ['puzzles', 'solutions'].map(
  (f) =>
    gunzipSync(readFileSync(join(DATA, `sudoku/kaggle-3m-curated-5000/${f}.txt.gz`)))
      .toString('utf8')
      .split('\n')[0]!,
) as [string, string];

describe('generator specs are checked when opened (exit 2 naming the spec, before any run folder exists)', () => {
  it.each([
    ['sudoku-gen:36-22', /^--data "sudoku-gen:36-22": givens must be integers with 17 ≤ min ≤ max ≤ 81, got 36-22$/],
    ['sudoku-gen:10-20', /"sudoku-gen:10-20": givens must be integers with 17 ≤ min/],
    ['sudoku-gen:22-36:rating=5-1', /"sudoku-gen:22-36:rating=5-1": rating must be whole numbers of guesses with min ≤ max, got 5-1/],
    ['maze-gen:abc', /"maze-gen:abc": maze size must be a whole number, got "abc"/],
    ['maze-gen:3', /"maze-gen:3": maze size must be an integer in \[4, 30\], got 3/],
    ['maze-gen:', /maze size must be a whole number, got ""/],
    ['maze-gen:6:min=1000', /"maze-gen:6:min=1000": a 6×6 maze cannot reliably have a 1000-cell shortest path/],
    ['maze-gen:6:min=0', /"maze-gen:6:min=0": the minimum path must be a whole number of at least 2 cells \(S and G are distinct\), got 0/],
  ])('training %s', async (spec, message) => {
    await expect(openTrainingData(spec, 1)).rejects.toEqual(invalid(message));
  });

  it.each([
    ['sudoku-gen:22-36:seed=5:count=3:rating=5-1', /"sudoku-gen:22-36:seed=5:count=3:rating=5-1": rating must be whole numbers/],
    ['sudoku-gen:36-22:seed=5:count=3', /givens must be integers with 17 ≤ min ≤ max ≤ 81, got 36-22/],
    ['maze-gen:abc:seed=5', /"maze-gen:abc:seed=5": maze size must be a whole number, got "abc"/],
    ['maze-gen::seed=5', /maze size must be a whole number, got ""/],
    ['maze-gen:6:seed=5:count=3:min=0', /at least 2 cells \(S and G are distinct\), got 0/],
    ['maze-gen:6:seed=5:count=3:min=1', /at least 2 cells/],
  ])('evaluation %s', async (spec, message) => {
    await expect(openEvalSet(spec)).rejects.toEqual(invalid(message));
  });

  it('a small maze without min= gets a default it can meet', async () => {
    const set = await openEvalSet('maze-gen:6:seed=5:count=3');
    const codec = createMazeCodec(6, 6);
    for (const e of set.examples) expect(shortestDistance(codec.decode(e.tokens, null as never)) + 1).toBeGreaterThanOrEqual(12);
    expect((await openTrainingData('maze-gen:6', 1)).source.description).toMatch(/shortest path ≥ 12 cells/);
  });
});

describe('mixture weights and option repeats', () => {
  it.each([
    ['0*sudoku-gen:30-36 + 0*sudoku-gen:30-36', /weight "0" of "0\*sudoku-gen:30-36" must be a positive number/],
    ['1.2.3*sudoku-gen:30-36', /weight "1.2.3" of "1.2.3\*sudoku-gen:30-36" must be a positive number/],
    ['2*sudoku-gen:30-36 + x*sudoku-gen:30-36', /weight "x"/],
  ])('refuses the weights of %s', async (spec, message) => {
    await expect(openTrainingData(spec, 1)).rejects.toEqual(invalid(message));
  });

  it('refuses an option given twice instead of keeping the last', async () => {
    await expect(openEvalSet('sudoku-gen:22-36:seed=3:count=3:count=4')).rejects.toEqual(invalid(/option "count" given twice/));
    await expect(openTrainingData('maze-gen:10:min=10:min=20', 1)).rejects.toEqual(invalid(/option "min" given twice/));
  });

  it('says a mixture is for training only when given as an evaluation set', async () => {
    for (const spec of ['1*sudoku-gen:22-36:seed=1:count=3 + 1*sudoku-gen:22-36:seed=2:count=3', 'sudoku-gen:22-36:seed=1:count=3 + sudoku-gen:22-36:seed=2:count=3']) {
      await expect(openEvalSet(spec)).rejects.toEqual(invalid(/a weighted mixture is for training only/));
    }
  });
});

describe('Sudoku folders', () => {
  it('needs a folder, and one whose puzzles.txt holds puzzles', async () => {
    for (const spec of ['sudoku', 'sudoku:']) await expect(openEvalSet(spec)).rejects.toEqual(invalid(/sudoku:<dir> needs a folder/));
    const empty = folder('empty', { 'puzzles.txt': '\n', 'solutions.txt': '' });
    await expect(openEvalSet(`sudoku:${empty}`)).rejects.toEqual(invalid(/empty\/puzzles\.txt: holds no puzzles/));
    const dir = folder('dir', { 'puzzles.txt': null, 'solutions.txt': `${SOLUTION}\n` });
    await expect(openEvalSet(`sudoku:${dir}`)).rejects.toEqual(invalid(/dir\/puzzles\.txt: is a folder, not a file/));
  });

  it('refuses solutions that are incomplete or contradict their puzzle, naming file and line', async () => {
    const blanks = folder('blanks', { 'puzzles.txt': `${PUZZLE}\n\n${PUZZLE}\n`, 'solutions.txt': `${SOLUTION}\n\n${PUZZLE}\n` });
    await expect(openEvalSet(`sudoku:${blanks}`)).rejects.toEqual(invalid(/blanks\/solutions\.txt line 3: not a full solution \(blank at row \d, col \d\)/));
    // The solution of another puzzle: complete and valid, but not this puzzle's.
    const other = SOLUTION.replace(/[1-9]/g, (d) => String((Number(d) % 9) + 1));
    const wrong = folder('wrong', { 'puzzles.txt': `${PUZZLE}\n`, 'solutions.txt': `${other}\n` });
    await expect(readSudokuFolder(wrong)).rejects.toEqual(
      invalid(/wrong\/solutions\.txt line 1: has \d at row \d, col \d, where its puzzle \(.*wrong\/puzzles\.txt line 1\) gives \d/),
    );
  });

  it("still reads the real sets (every solution complete and its puzzle's)", async () => {
    for (const name of ['kaggle-3m-curated-5000', 'tdoku-magictour-top1465', 'sudoku-extreme-train-sample-1k']) {
      const { puzzles, solutions } = await readSudokuFolder(join(DATA, 'sudoku', name));
      expect(solutions).toHaveLength(puzzles.length);
    }
  });
});

describe('broken official and ARC files', () => {
  it('names the missing .npy file of an official folder', async () => {
    const dir = folder('official-no-npy', {});
    copyFileSync(join(SHARED, 'fixtures/official-dataset-tiny/test/dataset.json'), join(dir, 'dataset.json'));
    await expect(openEvalSet(`official:${dir}`)).rejects.toEqual(invalid(/official-no-npy\/all__\w+\.npy: not found/));
  });

  const arc = (name: string, challenges: string, solutions?: string) => {
    const dir = folder(name, { 'x_a_challenges.json': challenges, ...(solutions === undefined ? {} : { 'x_a_solutions.json': solutions }) });
    return openEvalSet(`arc:${join(dir, 'x')}:subsets=a:test=a:aug=0`);
  };

  it.each([
    ['arc-syntax', '{"t1": ', /arc-syntax\/x_a_challenges\.json: not valid JSON/],
    ['arc-list', '[1,2]', /arc-list\/x_a_challenges\.json: not ARC challenges \(Invalid input: expected record, received array\)/],
    ['arc-no-test', '{"t1":{"train":[]}}', /arc-no-test\/x_a_challenges\.json: not ARC challenges \(at t1\.test: .*expected array/i],
  ])('refuses challenges that are not ARC tasks (%s)', async (name, text, message) => {
    await expect(arc(name, text)).rejects.toEqual(invalid(message));
  });

  it('reads challenges without a solutions file, but refuses a broken one instead of scoring against [[0]]', async () => {
    const task = '{"t1":{"train":[{"input":[[1]],"output":[[2]]}],"test":[{"input":[[1]]}]}}';
    expect((await arc('arc-ok', task)).examples).toHaveLength(1);
    await expect(arc('arc-bad-solutions', task, '{"t1": [[[2]]')).rejects.toEqual(invalid(/arc-bad-solutions\/x_a_solutions\.json: not valid JSON/));
  });

  it('canvas=N keeps the tasks whose every grid fits N×N, on N² tokens, and says when none does', async () => {
    const wide = JSON.stringify([Array(5).fill(1)]);
    const tasks = `{"small":{"train":[{"input":[[1]],"output":[[2,3]]}],"test":[{"input":[[1]],"output":[[2]]}]},"wide":{"train":[{"input":${wide},"output":[[1]]}],"test":[{"input":[[1]]}]}}`;
    const dir = folder('arc-canvas', { 'x_a_challenges.json': tasks });
    const set = await openEvalSet(`arc:${join(dir, 'x')}:subsets=a:test=a:aug=0:canvas=4`);
    expect(set.shape.seqLen).toBe(16);
    expect(Object.keys(set.arc!.testPuzzles)).toEqual(['small']);
    expect(set.description).toMatch(/1 tasks that fit 4×4/);
    expect((await openTrainingData(`arc:${join(dir, 'x')}:subsets=a:test=a:canvas=5`, 1)).shape.seqLen).toBe(25);
    await expect(openEvalSet(`arc:${join(dir, 'x')}:subsets=a:test=a:canvas=1`)).rejects.toEqual(invalid(/no task of a fits the 1×1 canvas/));
    await expect(openEvalSet(`arc:${join(dir, 'x')}:subsets=a:test=a:canvas=31`)).rejects.toEqual(invalid(/canvas=31: the canvas side must be from 1 to 30/));
  });

  it('holdout=n trains without the first n test tasks (in id order), heldout=n evaluates only them', async () => {
    const task = (c: number) => ({ train: [{ input: [[c]], output: [[c, c]] }], test: [{ input: [[c]], output: [[c]] }] });
    const dir = folder('arc-holdout', {
      'x_a_challenges.json': JSON.stringify({ t3: task(3), t1: task(1), t2: task(2), t4: task(4) }),
      'x_b_challenges.json': JSON.stringify({ u1: task(5) }),
    });
    const base = `arc:${join(dir, 'x')}:subsets=a,b:test=a:aug=0:canvas=4`;
    const names = async (spec: string) => (await openEvalSet(spec)).arc!.identifiers.slice(1).sort();
    expect(await names(base)).toEqual(['t1', 't2', 't3', 't4', 'u1']);
    expect(await names(`${base}:holdout=2`)).toEqual(['t3', 't4', 'u1']);
    const training = await openTrainingData(`${base}:holdout=2`, 1);
    expect(training.shape.identifiers).toBe(4); // the blank row and t3, t4, u1
    const held = await openEvalSet(`${base}:heldout=2`);
    expect(Object.keys(held.arc!.testPuzzles).sort()).toEqual(['t1', 't2']);
    expect(held.arc!.identifiers.slice(1).sort()).toEqual(['t1', 't2']);
    await expect(openEvalSet(`${base}:holdout=5`)).rejects.toEqual(invalid(/only 4 tasks of a fit the canvas, fewer than the 5 to hold out/));
    await expect(openEvalSet(`${base}:holdout=0`)).rejects.toEqual(invalid(/holdout\/heldout must be a whole number of tasks ≥ 1, got "0"/));
    await expect(openEvalSet(`${base}:holdout=1:heldout=1`)).rejects.toEqual(invalid(/not both/));
    await expect(openTrainingData(`${base}:heldout=1`, 1)).rejects.toEqual(invalid(/heldout/));
  });
});
