import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSolver, validateConfig } from '../../model/index.js';
import { createTrm, runSteps } from '../../model/core.js';
import { buildArcDataset, officialSource, type ArcTask } from '../../model/data/index.js';
import { containerHandler, packContainer } from '../../model/pack/container.js';
import { loadPackage, type LoadedPackage } from '../../model/pack/read.js';
import { packModel } from '../../model/pack/write.js';
import { createRng } from '../../model/rng.js';
import { cropArcCanvas, encodeArcGrid, parseArcGrid, toRows } from '../../model/tasks/index.js';
import { createTrainer, initWeights, validateHyper } from '../../model/train/index.js';
import { namedWeights, weightTensors } from '../../model/weights.js';
import { registerGradients } from '../../model/runtime/node-backend.js';
import { createSolver as createNodeSolver } from '../../model/runtime/node.js';
import { useWasmBackend } from '../helpers/backend.js';

useWasmBackend();
beforeAll(() => registerGradients());

const CANVAS = 3;

/** "Paint every coloured cell `colour`": random 3×3 inputs (half black), the output recoloured. */
function paintTask(colour: number, seed: number): ArcTask {
  const rng = createRng(seed);
  const pair = () => {
    const input = Array.from({ length: CANVAS }, () => Array.from({ length: CANVAS }, () => (rng.next() < 0.5 ? 0 : rng.int(1, 10))));
    return { input, output: input.map((row) => row.map((c) => (c ? colour : 0))) };
  };
  return { train: [pair(), pair(), pair()], test: [pair()] };
}

/**
 * A toy ARC model trained here in seconds on "paint" tasks with the official augmentations (so its puzzle
 * rows carry the colour to paint), packed with its identifiers as an export would.
 */
async function toyArcModel(): Promise<() => Promise<LoadedPackage>> {
  const tasks = Object.fromEntries([1, 2, 3].map((c) => [`paint${c}`, paintTask(c, c)]));
  const data = buildArcDataset([{ name: 'training', tasks }], { testSet: 'training', numAug: 8, canvas: CANVAS, seed: 3 });
  const config = validateConfig({
    vocab_size: 12,
    seq_len: CANVAS * CANVAS,
    hidden_size: 32,
    num_heads: 2,
    H_cycles: 2,
    L_cycles: 1,
    halt_max_steps: 2,
    num_puzzle_identifiers: data.identifiers.length,
  });
  const weights = initWeights(config, 1);
  const hyper = validateHyper({ global_batch_size: 32, lr: 5e-3, lr_warmup_steps: 10, total_steps: 600, puzzle_emb_lr: 3e-2, weight_decay: 0.1, ema: false, seed: 1 });
  const trainer = await createTrainer({ config, weights, hyper, source: officialSource(data.train, 1) });
  tf.dispose(weightTensors(weights));
  while (trainer.step < hyper.total_steps) await trainer.trainStep();
  const trained = trainer.evalWeights();
  await trainer.dispose();
  const arrays = new Map([...namedWeights(trained)].map(([n, t]) => [n, t.dataSync() as Float32Array]));
  tf.dispose(weightTensors(trained));
  const packed = await packModel({
    task: 'arc',
    config,
    weights: arrays,
    quantization: 'fp32',
    provenance: { source: 'test', created: 'now' },
    arc: { identifiers: data.identifiers },
  });
  const container = packContainer(packed);
  return () => loadPackage(containerHandler(container)); // a fresh copy per solver: a solver owns (and disposes) its model
}

/** The network's answer to `input` under puzzle row `row` (0: the blank id). */
async function answerWithRow(pkg: LoadedPackage, input: number[][], row: number): Promise<number[][]> {
  const trm = createTrm(pkg.config, pkg.weights);
  const [r] = await runSteps(trm, { tokens: encodeArcGrid(parseArcGrid(input, [], CANVAS), 0, 0, CANVAS), identifiers: Int32Array.of(row) });
  trm.dispose();
  return toRows(cropArcCanvas(r!.predictions));
}

describe('test-time fit of an unseen ARC task', () => {
  let load: () => Promise<LoadedPackage>;
  beforeAll(async () => {
    load = await toyArcModel();
  }, 180_000);

  // paint1 under the colour permutation 1 → 7: a task the model has no id for.
  const unseen = { id: 'paint7', ...paintTask(7, 1) };
  const answer = unseen.test[0]!.output!;

  it('knows its training tasks', async () => {
    const solver = await createSolver({ model: await load(), task: 'arc' });
    const known = await solver.solve({ id: 'paint2', test: [{ input: unseen.test[0]!.input }] });
    expect(known.solution[0]).toEqual(unseen.test[0]!.input.map((row) => row.map((c) => (c ? 2 : 0))));
  });

  it('fits new rows that answer the unseen task, which the blank row does not, leaving the weights untouched', async () => {
    const pkg = await load();
    expect(await answerWithRow(pkg, unseen.test[0]!.input, 0)).not.toEqual(answer);
    const before = new Map([...namedWeights(pkg.weights)].map(([n, t]) => [n, t.dataSync().slice()]));
    const solver = await createSolver({ model: pkg, task: 'arc' });
    await expect(solver.solve({ id: 'paint7', test: unseen.test })).rejects.toThrow(/no puzzle rows for ARC task "paint7"/);

    const progress: number[] = [];
    const fit = await solver.fit(
      { id: 'paint7', train: unseen.train, test: unseen.test.map((p) => ({ input: p.input })) },
      { steps: 200, lr: 3e-2, onProgress: (p) => progress.push(p.loss) },
    );
    expect(fit).toMatchObject({ task: 'paint7', versions: 9, steps: 200 });
    expect(progress).toHaveLength(200);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(progress.slice(-20))).toBeLessThan(mean(progress.slice(0, 20)));
    const solved = await solver.solve({ id: 'paint7', test: unseen.test });
    expect(solved.versions).toBe(9);
    expect(solved.solution[0]).toEqual(answer);
    expect(solved.verified).toBe(true);
    // The trained tasks still answer as before, and every weight is bit-identical (the table only grew).
    const input = unseen.test[0]!.input;
    expect((await solver.solve({ id: 'paint2', test: [{ input }] })).solution[0]).toEqual(input.map((row) => row.map((c) => (c ? 2 : 0))));
    for (const [name, values] of namedWeights(pkg.weights)) expect(values.dataSync(), name).toEqual(before.get(name));
    const grown = solver.model.weights.puzzleEmb!;
    expect(grown.shape[0]).toBe(pkg.config.num_puzzle_identifiers + 9);
    expect(tf.tidy(() => grown.slice(0, pkg.config.num_puzzle_identifiers).dataSync())).toEqual(before.get('puzzleEmb'));
    solver.dispose();
  }, 60_000);

  it("init 'nearest' starts from the row of the known task the new one repeats, which answers it before any update", async () => {
    const again = { id: 'repaint2', ...paintTask(2, 11) }; // paint2 on other grids, under a new id
    const input = { id: again.id, train: again.train, test: again.test.map((p) => ({ input: p.input })) };
    const solver = await createSolver({ model: await load(), task: 'arc' });
    const blank = await solver.fit(input, { steps: 0, init: 'blank' });
    expect(blank.nearest).toBeUndefined();
    const fit = await solver.fit(input, { steps: 0, init: 'nearest' });
    expect(fit.nearest?.task).toBe('paint2');
    expect(fit.nearest!.loss).toBeGreaterThan(0);
    expect((await solver.solve(input)).solution[0]).toEqual(again.test[0]!.output);
    await expect(solver.fit(input, { init: 'closest' as never })).rejects.toThrow(/init must be one of mean, blank, nearest, got "closest"/);
    solver.dispose();
  }, 30_000);

  it('leaks no tensors: a refit replaces the task rows, dispose frees what fit made', async () => {
    const pkg = await load();
    const start = tf.memory().numTensors;
    const solver = await createSolver({ model: pkg, task: 'arc' });
    const task = { id: 'paint7', train: unseen.train, test: [{ input: unseen.test[0]!.input }] };
    await solver.fit(task, { steps: 4, init: 'blank' });
    const afterOne = tf.memory().numTensors;
    await solver.fit(task, { steps: 4 });
    expect(tf.memory().numTensors).toBe(afterOne);
    await solver.fit(task, { steps: 4, init: 'nearest' });
    expect(tf.memory().numTensors).toBe(afterOne);
    expect(solver.model.weights.puzzleEmb!.shape[0]).toBe(pkg.config.num_puzzle_identifiers + 9);
    solver.dispose();
    expect(tf.memory().numTensors).toBe(start - weightTensors(pkg.weights).length);
  }, 30_000);

  it('refuses what it cannot fit, with the reason', async () => {
    const solver = await createSolver({ model: await load(), task: 'arc' });
    await expect(solver.fit({ id: 'paint1', train: unseen.train, test: unseen.test })).rejects.toThrow(/already has rows for task "paint1"/);
    await expect(solver.fit({ id: 'x', test: unseen.test })).rejects.toThrow(/needs its demonstration pairs/);
    await expect(solver.fit({ id: 'x', train: [{ input: [[1, 2, 3, 4]], output: [[1]] }], test: unseen.test })).rejects.toThrow(/x.*train.*0.*input.*3×3/s);
    await expect(solver.fit({ id: 'x', train: unseen.train, test: unseen.test }, { steps: -1 })).rejects.toThrow(/steps must be a whole number ≥ 0/);
    const aborted = AbortSignal.abort(new Error('stop now'));
    await expect(solver.fit({ id: 'x', train: unseen.train, test: unseen.test }, { signal: aborted })).rejects.toThrow('stop now');
    await expect(solver.fit({ id: 'x', train: unseen.train, test: unseen.test }, { signal: aborted, init: 'nearest' })).rejects.toThrow('stop now');
    solver.dispose();
    const sudoku = await createNodeSolver({ model: 'sudoku' });
    await expect(sudoku.fit({ id: 'x', train: unseen.train, test: unseen.test })).rejects.toThrow(/only ARC models/);
    sudoku.dispose();
  });
});
