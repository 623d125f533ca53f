import { describe, expect, it } from 'vitest';
import { createSolver, validateConfig } from '../../model/index.js';
import { createArcVoter, createTrm, runSteps } from '../../model/core.js';
import { applyArcAugmentation, encodeArcGrid, parseArcGrid, parseArcName } from '../../model/tasks/index.js';
import { initWeights } from '../../model/train/init.js';
import { packModel } from '../../model/pack/write.js';
import { containerHandler, packContainer } from '../../model/pack/container.js';
import { loadPackage, type LoadedPackage } from '../../model/pack/read.js';
import { namedWeights, weightTensors } from '../../model/weights.js';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../helpers/backend.js';

useWasmBackend();

const IDENTIFIERS = ['<blank>', 'aaa', 'aaa|||t1|||0213456789', 'bbb'];

/** A small random ARC-shaped model whose puzzle rows name two tasks, one with an augmented version. */
async function arcPackage(canvas = 30) {
  const config = validateConfig({
    vocab_size: 12,
    seq_len: canvas * canvas,
    hidden_size: 32,
    num_heads: 2,
    H_cycles: 1,
    L_cycles: 1,
    halt_max_steps: 2,
    num_puzzle_identifiers: 4,
  });
  const weights = initWeights(config, 5);
  const arrays = new Map([...namedWeights(weights)].map(([n, t]) => [n, t.dataSync() as Float32Array]));
  tf.dispose(weightTensors(weights));
  const packed = await packModel({ task: 'arc', config, weights: arrays, quantization: 'fp32', provenance: { source: 'test', created: 'now' }, arc: { identifiers: IDENTIFIERS } });
  return loadPackage(containerHandler(packContainer(packed)));
}

/** The official evaluation by hand: every input under each of the task's rows, then the un-augmented votes. */
async function votedByHand(pkg: LoadedPackage, id: string, test: { input: number[][]; output?: number[][] }[], canvas = 30) {
  const S = canvas * canvas;
  const rows = IDENTIFIERS.flatMap((n, i) => (i > 0 && parseArcName(n).task === id ? [i] : []));
  const tokens = new Int32Array(test.length * rows.length * S);
  const identifiers = new Int32Array(test.length * rows.length);
  let at = 0;
  for (const pair of test) {
    for (const row of rows) {
      tokens.set(encodeArcGrid(applyArcAugmentation(parseArcGrid(pair.input), parseArcName(IDENTIFIERS[row]!).augmentation), 0, 0, canvas), at * S);
      identifiers[at++] = row;
    }
  }
  const trm = createTrm(pkg.config, pkg.weights);
  const results = await runSteps(trm, { tokens, identifiers });
  trm.dispose();
  const voter = createArcVoter(IDENTIFIERS, { [id]: { train: [], test } });
  results.forEach((r, i) => voter.record(identifiers[i]!, tokens.subarray(i * S, (i + 1) * S), r.predictions, r.qHalt));
  return voter.result([1]).submission[id]!;
}

describe('ARC through createSolver (augmentation voting)', () => {
  const test = [
    {
      input: [
        [1, 2],
        [3, 4],
      ],
    },
    { input: [[5]], output: [[5]] },
  ];

  it('runs every known version of the task and returns the voted attempts, the same as voting by hand', async () => {
    const pkg = await arcPackage();
    const expected = await votedByHand(pkg, 'aaa', test);
    const solver = await createSolver({ model: pkg, task: 'arc' });
    const answer = await solver.solve({ id: 'aaa', test });
    expect(answer.versions).toBe(2);
    expect(answer.steps).toBe(2);
    expect(answer.attempts).toEqual(expected);
    expect(answer.solution).toEqual(expected.map((a) => a.attempt_1));
    expect(answer.confidence).toBeCloseTo(Math.min(...expected.map((a) => a.confidence)), 12);
    for (const a of answer.attempts) expect(a.votes).toBeGreaterThanOrEqual(1);
    expect(answer.verified).toBe(false); // a random model; and the first input has no output to check
    const again = await solver.solve({ id: 'aaa', test });
    expect(again.attempts).toEqual(expected);
    solver.dispose();
  });

  it('answers on a small canvas the same as voting by hand there, and refuses a grid larger than the canvas', async () => {
    const pkg = await arcPackage(6);
    const solver = await createSolver({ model: pkg, task: 'arc' });
    const answer = await solver.solve({ id: 'aaa', test });
    expect(answer.versions).toBe(2);
    expect(answer.attempts).toEqual(await votedByHand(pkg, 'aaa', test, 6));
    const seven = Array.from({ length: 7 }, () => [1, 2]);
    await expect(solver.solve({ id: 'aaa', test: [{ input: seven }] })).rejects.toThrow(/puzzle\.test\.0\.input has 7 rows, at most 6 \(the model's 6×6 canvas\)/);
    solver.dispose();
  });

  it('leaves no tensor behind across repeated solves', async () => {
    const solver = await createSolver({ model: await arcPackage(), task: 'arc' });
    await solver.solve({ id: 'bbb', test: [{ input: [[1]] }] });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await solver.solve({ id: 'bbb', test: [{ input: [[1]] }] });
    expect(tf.memory().numTensors).toBe(before);
    solver.dispose();
  });

  it('refuses a task the model has no rows for, grids that are not ARC grids, and options ARC has no use for', async () => {
    const solver = await createSolver({ model: await arcPackage() });
    expect(solver.task).toBe('arc'); // the package's own task
    await expect(solver.solve({ id: 'zzz', test: [{ input: [[1]] }] })).rejects.toThrow(/no puzzle rows for ARC task "zzz" \(it was trained on 2 tasks/);
    await expect(solver.solve({ id: 'aaa', test: [{ input: [[1, 12]] }] })).rejects.toThrow(/puzzle\.test\.0\.input\[0\]\[1\] is 12/);
    await expect(solver.solve({ id: 'aaa', test: [] })).rejects.toThrow(/test must be a non-empty array/);
    await expect(solver.solve({ id: 'aaa', test }, { halt: 'verified' })).rejects.toThrow(/ARC has none/);
    await expect(solver.solve({ id: 'aaa', test }, { tries: 2 })).rejects.toThrow(/tries must be 1/);
    await expect(solver.solve({ id: 'aaa', test }, { onStep: () => {} })).rejects.toThrow(/onStep is not available/);
    solver.dispose();
  });
});
