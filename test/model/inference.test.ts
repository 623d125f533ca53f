import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createSolver, DisposedError, TrmError } from '../../model/index.js';
import { createTrm, recurse, runSteps, type Trm } from '../../model/core.js';
import { loadCheckpointFile } from '../../model/runtime/node-files.js';
import { useWasmBackend } from '../helpers/backend.js';
import { FIXTURES } from '../helpers/paths.js';

useWasmBackend();

const DIR = join(FIXTURES, 'sudoku-mlp-small');
const config = JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')).model_config;
const inputs = JSON.parse(readFileSync(join(DIR, 'inputs.json'), 'utf8')).batch;
const reference = JSON.parse(readFileSync(join(DIR, 'eval_steps.json'), 'utf8')).steps as { preds: number[][]; q_halt_logits: number[] }[];
const batch = { tokens: Int32Array.from(inputs.inputs.flat()), identifiers: Int32Array.from(inputs.puzzle_identifiers) };
/** The fixture puzzles in natural form (token 1 = blank, d + 1 = digit d). */
const puzzles = (inputs.inputs as number[][]).map((row) => row.map((t) => (t === 1 ? '.' : String(t - 1))).join(''));

describe('the inference loop', () => {
  let trm: Trm;
  let dispose: () => void;
  beforeAll(async () => {
    const model = await loadCheckpointFile(join(DIR, 'step_0'), { config });
    trm = createTrm(model.config, model.weights);
    dispose = () => (trm.dispose(), model.dispose());
  });
  afterAll(() => dispose());

  it("halt 'never' runs halt_max_steps for every sample, as the official evaluation", async () => {
    const results = await runSteps(trm, batch);
    expect(results.map((r) => r.steps)).toEqual([4, 4, 4]);
    expect(results.every((r) => r.halted)).toBe(true);
    results.forEach((r, i) => expect(Array.from(r.predictions)).toEqual(reference[3]!.preds[i]));
  });

  it("halt 'q' stops each sample at its first step with q_halt > 0 and keeps that step's answer", async () => {
    // Reference q_halt: step 1 [+, -, -], step 2 [., +, -], step 3 [., ., +].
    const firstPositive = [0, 1, 2].map((i) => reference.findIndex((s) => s.q_halt_logits[i]! > 0) + 1);
    expect(firstPositive).toEqual([1, 2, 3]);
    const computed: number[][] = [];
    const results = await runSteps(trm, batch, { halt: 'q', onStep: (out) => computed.push(out.samples.map((s) => s.index)) });
    expect(results.map((r) => r.steps)).toEqual(firstPositive);
    expect(results.every((r) => r.halted && r.qHalt > 0)).toBe(true);
    results.forEach((r, i) => expect(Array.from(r.predictions)).toEqual(reference[r.steps - 1]!.preds[i]));
    expect(computed).toEqual([[0, 1, 2], [1, 2], [2]]); // halted samples leave the batch
  });

  it('maxSteps cuts the run; the sample is not halted by the rule', async () => {
    const results = await runSteps(trm, batch, { maxSteps: 2 });
    expect(results.map((r) => [r.steps, r.halted])).toEqual([
      [2, false],
      [2, false],
      [2, false],
    ]);
  });

  it('a batch gives the same answers as one sample at a time', async () => {
    const together = await runSteps(trm, batch, { maxSteps: 2 });
    for (let i = 0; i < 3; i++) {
      const [alone] = await runSteps(trm, { tokens: batch.tokens.subarray(i * 81, (i + 1) * 81), identifiers: Int32Array.of(0) }, { maxSteps: 2 });
      expect(Array.from(alone!.predictions)).toEqual(Array.from(together[i]!.predictions));
      expect(alone!.qHalt).toBeCloseTo(together[i]!.qHalt, 4);
    }
  });

  it('returns per-cell probabilities whose argmax is the prediction', async () => {
    for await (const out of recurse(trm, batch, { maxSteps: 1, probabilities: true })) {
      for (const s of out.samples) {
        const p = s.probabilities!;
        expect(p.length).toBe(81 * 11);
        for (let cell = 0; cell < 81; cell++) {
          const row = Array.from(p.subarray(cell * 11, cell * 11 + 11));
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          expect(row.indexOf(Math.max(...row))).toBe(s.predictions[cell]);
        }
      }
    }
  });

  it('frees every tensor when the caller stops iterating early', async () => {
    const before = tf.memory().numTensors;
    for await (const out of recurse(trm, batch)) if (out.step === 2) break;
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [{ tokens: new Int32Array(80), identifiers: Int32Array.of(0) }, {}, /tokens has 80 entries, expected batch 1 × seq_len 81/],
    [{ tokens: new Int32Array(81).fill(11), identifiers: Int32Array.of(0) }, {}, /token 11 at sample 0, cell 0 is outside \[0, 11\)/],
    [{ tokens: new Int32Array(81), identifiers: Int32Array.of(3) }, {}, /puzzle identifier 3 of sample 0 is outside \[0, 1\)/],
    [{ tokens: new Int32Array(81), identifiers: Int32Array.of(0) }, { maxSteps: 0 }, /maxSteps must be a positive integer/],
    [{ tokens: new Int32Array(81), identifiers: Int32Array.of(0) }, { halt: 'sometimes' }, /halt must be 'never' or 'q'/],
  ])('refuses bad input %# with a clear error', async (b, options, message) => {
    const before = tf.memory().numTensors;
    await expect(runSteps(trm, b, options as object)).rejects.toThrow(TrmError);
    await expect(runSteps(trm, b, options as object)).rejects.toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the solver', () => {
  it('solves, decodes and verifies; repeated solves leave tf.memory() unchanged', async () => {
    const solver = await createSolver({ model: await loadCheckpointFile(join(DIR, 'step_0'), { config }), task: 'sudoku' });
    const first = await solver.solve(puzzles[0]);
    expect(first.steps).toBe(4);
    expect(typeof first.solution).toBe('string');
    expect(first.solution).toHaveLength(81);
    expect(first.verified).toBe(false); // a random model does not solve Sudoku
    expect(first.confidence).toBeCloseTo(1 / (1 + Math.exp(-first.qHalt)), 10);

    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      await solver.solve(puzzles[i % 3], { halt: i % 2 ? 'q' : 'never', onStep: () => {} });
      await solver.solveBatch(puzzles, { maxSteps: 2 });
    }
    expect(tf.memory().numTensors).toBe(before);

    solver.dispose();
    solver.dispose(); // idempotent
    await expect(solver.solve(puzzles[0])).rejects.toThrow(DisposedError);
  });

  it("stops at an abort: after a step with the answer so far, before the first with the signal's reason; cellConfidence gives probabilities", async () => {
    const solver = await createSolver({ model: await loadCheckpointFile(join(DIR, 'step_0'), { config }), task: 'sudoku' });
    const controller = new AbortController();
    const cells: number[][] = [];
    const partial = await solver.solve(puzzles[0], { signal: controller.signal, cellConfidence: true, onStep: (s) => (cells.push(s.cells!), s.step === 2 && controller.abort()) });
    expect(partial.steps).toBe(2);
    expect(cells.map((c) => c.length)).toEqual([81, 81]);
    expect(cells.flat().every((p) => p > 0 && p <= 1)).toBe(true);
    await expect(solver.solve(puzzles[0], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    solver.dispose();
  });

  it('reports each step of each puzzle through onStep', async () => {
    const solver = await createSolver({ model: await loadCheckpointFile(join(DIR, 'step_0'), { config }), task: 'sudoku' });
    const seen: [number, number, boolean][] = [];
    await solver.solveBatch(puzzles, { halt: 'q', onStep: (s) => seen.push([s.step, s.index, s.stop]) });
    expect(seen).toEqual([
      [1, 0, true],
      [1, 1, false],
      [1, 2, false],
      [2, 1, true],
      [2, 2, false],
      [3, 2, true],
    ]);
    solver.dispose();
  });

  it('refuses a task the model does not fit, and bad puzzles with the codec message', async () => {
    const model = await loadCheckpointFile(join(DIR, 'step_0'), { config });
    await expect(createSolver({ model, task: 'maze' })).rejects.toThrow(ConfigError);
    await expect(createSolver({ model, task: 'maze' })).rejects.toThrow(/does not fit task maze/);
    const solver = await createSolver({ model, task: 'sudoku' });
    await expect(solver.solve('123')).rejects.toThrow(/sudoku: expected 81 cells, got 3/);
    solver.dispose();
  });
});
