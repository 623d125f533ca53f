/**
 * Test-time tries (model/tries.ts): copy k is the k-th drawn symmetry of the puzzle, its answer is
 * mapped back, the first verified copy wins, halt 'verified' stops a puzzle's copies together, one
 * try is `recurse` itself, and on the shipped Sudoku model the copies solve puzzles one run misses.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, seedFor, createTrm, recurse, recurseTries, runSteps, type Trm, type TryOptions, type TrySample } from '../../model/core.js';
import { createSolver, TrmError } from '../../model/index.js';
import { parseSudoku, sudokuSymmetries, tokenChecker, mazeSymmetries } from '../../model/tasks/index.js';
import { loadModelFromPath } from '../../model/runtime/node-files.js';
import { useWasmBackend } from '../helpers/backend.js';
import { dataLines, ROOT } from '../helpers/paths.js';

useWasmBackend();

const K = 'sudoku/kaggle-3m-curated-5000';
// Kaggle "Hard" (#3000 on): the shipped model alone solves about 40 % of these.
const HARD = dataLines(`${K}/puzzles.txt.gz`).slice(3000, 3016);
const SOLUTIONS = dataLines(`${K}/solutions.txt.gz`).slice(3000, 3016);
const tokens = (text: string) => Int32Array.from(parseSudoku(text).cells, (v) => v + 1);
const batchOf = (texts: string[]) => ({ tokens: Int32Array.from(texts.flatMap((t) => [...tokens(t)])), identifiers: new Int32Array(texts.length) });
const check = tokenChecker('sudoku')!;

/** Each puzzle's final sample and step. */
async function finals(trm: Trm, batch: ReturnType<typeof batchOf>, options: TryOptions) {
  const out: { sample: TrySample; step: number }[] = [];
  const stopped = new Set<number>();
  for await (const { step, samples } of recurseTries(trm, batch, options)) {
    for (const s of samples) {
      expect(stopped.has(s.index)).toBe(false); // a stopped puzzle is never reported again
      if (s.stop) stopped.add(s.index);
      out[s.index] = { sample: s, step };
    }
  }
  return out;
}

describe('test-time tries', () => {
  let trm: Trm;
  let dispose: () => void;
  beforeAll(async () => {
    const model = await loadModelFromPath(join(ROOT, 'model/weights/sudoku'));
    trm = createTrm(model.config, model.weights);
    dispose = () => (trm.dispose(), model.dispose());
  });
  afterAll(() => dispose());

  it('with one try is recurse, step for step', async () => {
    const batch = batchOf(HARD.slice(0, 6));
    const plain = [];
    for await (const out of recurse(trm, batch, { halt: 'q' })) plain.push(out.samples.map((s) => [out.step, s.index, s.predictions.join(''), s.qHalt, s.stop, s.halted]));
    const tried = [];
    for await (const out of recurseTries(trm, batch, { halt: 'q', check })) {
      tried.push(out.samples.map((s) => [out.step, s.index, s.predictions.join(''), s.qHalt, s.stop, s.halted]));
      for (const s of out.samples) expect([s.copy, s.work]).toEqual([0, out.step]);
    }
    expect(tried).toEqual(plain);
  });

  it("runs copy k as the puzzle under the k-th drawn symmetry and maps that copy's answer back", async () => {
    const texts = HARD.slice(0, 3);
    const tries = 3;
    // The copies by hand: the same draws, from the seed and each puzzle's tokens, copy by copy.
    const rows: Int32Array[] = [];
    const symmetries = texts.map((text) => {
      const rng = createRng(seedFor(7, tokens(text)));
      return Array.from({ length: tries }, (_, k) => (k ? sudokuSymmetries.draw(k, rng) : null));
    });
    texts.forEach((text, p) => symmetries[p]!.forEach((s) => rows.push(s ? s.apply(tokens(text)) : tokens(text))));
    const byHand = await runSteps(trm, { tokens: Int32Array.from(rows.flatMap((r) => [...r])), identifiers: new Int32Array(rows.length) }, { maxSteps: 2 });
    const lastCopy = texts.map((_, p) => symmetries[p]![2]!.invert(byHand[p * tries + 2]!.predictions).join(''));
    // A checker that accepts exactly the last copy's mapped-back answer picks that copy.
    const picky = (_puzzle: Int32Array, answer: Int32Array) => lastCopy.includes(answer.join(''));
    const got = await finals(trm, batchOf(texts), { tries, seed: 7, maxSteps: 2, check: picky, symmetries: sudokuSymmetries });
    got.forEach(({ sample, step }, p) => {
      expect(sample).toMatchObject({ copy: 2, verified: true, stop: true, work: 2 * tries });
      expect(sample.predictions.join('')).toBe(lastCopy[p]);
      expect(step).toBe(2);
    });
    // Accepting nothing returns copy 0's answer: the puzzle as given.
    const none = await finals(trm, batchOf(texts), { tries, seed: 7, maxSteps: 2, check: () => false, symmetries: sudokuSymmetries });
    none.forEach(({ sample }, p) => expect([sample.copy, sample.verified, sample.predictions.join('')]).toEqual([0, false, byHand[p * tries]!.predictions.join('')]));
  });

  it('gives a puzzle the same copies alone, in any batch and at any place in it, and other copies under another seed', async () => {
    const options: TryOptions = { tries: 4, seed: 3, maxSteps: 2, check, symmetries: sudokuSymmetries };
    const answer = ({ sample }: { sample: TrySample }) => [sample.copy, sample.work, sample.predictions.join('')];
    const alone = await finals(trm, batchOf([HARD[5]!]), options);
    const inBatch = await finals(trm, batchOf([HARD[9]!, HARD[2]!, HARD[5]!]), options);
    expect(answer(inBatch[2]!)).toEqual(answer(alone[0]!));
    // Another seed draws other shuffles: the copies' answers (as run, before mapping back) differ.
    const rows = (seed: number) => {
      const rng = createRng(seedFor(seed, tokens(HARD[5]!)));
      return sudokuSymmetries.draw(1, rng).apply(tokens(HARD[5]!)).join('');
    };
    expect(rows(3)).not.toBe(rows(4));
    expect(seedFor(3, tokens(HARD[5]!))).not.toBe(seedFor(3, tokens(HARD[9]!)));
  });

  it("halt 'verified' with 8 tries solves Kaggle-hard puzzles one run misses; every verified answer is the solution", async () => {
    const batch = batchOf(HARD);
    const plain = await finals(trm, batch, { halt: 'never', check });
    const tried = await finals(trm, batch, { halt: 'verified', tries: 8, check, symmetries: sudokuSymmetries });
    const right = (r: { sample: TrySample }, i: number) => r.sample.predictions.every((t, j) => t - 1 === Number(SOLUTIONS[i]![j]));
    const [one, eight] = [plain.filter(right).length, tried.filter(right).length];
    expect(eight).toBeGreaterThanOrEqual(one + 4);
    tried.forEach((r, i) => {
      // The puzzles have one solution each, so a valid answer is the solution.
      expect(r.sample.verified).toBe(right(r, i));
      if (r.sample.verified) expect(r.sample.halted).toBe(true);
      expect(r.sample.work).toBeGreaterThanOrEqual(r.step);
      expect(r.sample.work).toBeLessThanOrEqual(8 * r.step);
      if (!r.sample.verified) expect([r.step, r.sample.work, r.sample.copy]).toEqual([8, 64, 0]);
    });
    // Stopping at the first verified step is cheaper than running every copy to the end.
    expect(tried.reduce((n, r) => n + r.sample.work, 0)).toBeLessThan(HARD.length * 8 * 8 * 0.8);
  });

  it('solver.solve takes tries and reports the copy and the compute, with flat tf.memory()', async () => {
    const solver = await createSolver({ model: await loadModelFromPath(join(ROOT, 'model/weights/sudoku')), task: 'sudoku' });
    const r = await solver.solve(HARD[1]!, { halt: 'verified', tries: 4 });
    expect(r.work).toBeGreaterThanOrEqual(r.steps);
    expect(r.copy).toBeGreaterThanOrEqual(0);
    expect(r.copy).toBeLessThan(4);
    if (r.verified) expect(r.solution).toBe(SOLUTIONS[1]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await solver.solveBatch(HARD.slice(0, 3), { halt: 'verified', tries: 3, seed: i, onStep: () => {} });
    expect(tf.memory().numTensors).toBe(before);
    solver.dispose();
  });

  it.each([
    [{ tries: 0, check, symmetries: sudokuSymmetries }, /tries must be a positive integer, got 0/],
    [{ tries: 2.5, check, symmetries: sudokuSymmetries }, /tries must be a positive integer/],
    [{ halt: 'sometimes' }, /halt must be one of never, q, verified/],
    [{ halt: 'verified' }, /halt 'verified' needs a task with an answer checker/],
    [{ tries: 2, symmetries: sudokuSymmetries }, /tries > 1 needs a task with an answer checker/],
    [{ tries: 2, check }, /tries > 1 needs a task with symmetries/],
    [{ tries: 9, check, symmetries: mazeSymmetries(9, 9) }, /tries is 9, but this task has only 7 symmetries/],
  ])('refuses bad options %# with a clear error and no leaked tensor', async (options, message) => {
    const before = tf.memory().numTensors;
    const run = async () => {
      for await (const _ of recurseTries(trm, batchOf(HARD.slice(0, 1)), options as TryOptions));
    };
    await expect(run()).rejects.toThrow(TrmError);
    await expect(run()).rejects.toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});
