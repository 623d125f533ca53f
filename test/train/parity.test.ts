import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createTrm } from '../../model/core.js';
import { validateConfig, type TrmConfig } from '../../model/index.js';
import { loadCheckpointFile } from '../../model/runtime/node-files.js';
import { registerGradients } from '../../model/runtime/node-backend.js';
import { BUFFERS, namedWeights, officialShapes, toOfficial, weightsFromNamed, weightsFromOfficial, weightTensors } from '../../model/weights.js';
import { createAdamAtan2 } from '../../model/train/adam-atan2.js';
import { signSgdRows } from '../../model/train/sign-sgd.js';
import { createReplica } from '../../model/train/replica.js';
import { createTrainer } from '../../model/train/trainer.js';
import { validateHyper } from '../../model/train/hyper.js';
import type { DataSource, Example } from '../../model/data/source.js';
import { maxRelError } from '../../scripts/parity/run.js';
import { useWasmBackend } from '../helpers/backend.js';
import { FIXTURES } from '../helpers/paths.js';

useWasmBackend();
beforeAll(() => registerGradients());

/** Tolerances from the issue: losses 1e-5, gradients 1e-4, parameters after one step 1e-5 (relative to max|ref|). */
const TOL = { loss: 1e-5, grad: 1e-4, param: 1e-5 };

function fixture(name: string) {
  const dir = join(FIXTURES, name);
  const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const train = json('train_step.json');
  const bin = readFileSync(join(dir, 'train_step.bin'));
  const tensor = (n: string) => {
    const t = train.bin.tensors.find((x: { name: string }) => x.name === n);
    return new Float32Array(new Uint8Array(bin.subarray(t.offset, t.offset + t.nbytes)).buffer);
  };
  const inputs = json('inputs.json');
  const toExamples = (batch: { inputs: number[][]; labels: number[][]; puzzle_identifiers: number[] }): Example[] =>
    batch.inputs.map((row, i) => ({ tokens: Int32Array.from(row), labels: Int32Array.from(batch.labels[i]!), id: batch.puzzle_identifiers[i]! }));
  return { dir, config: validateConfig(json('config.json').model_config), train, tensor, batches: [toExamples(inputs.batch), toExamples(inputs.batch_train_step2)] };
}

/** Serves the fixture's two batches, one per optimizer step. */
function fixtureSource(batches: Example[][]): DataSource {
  let i = 0;
  return { description: 'fixture', next: () => batches[i++]!, state: () => i, restore: (s) => void (i = s as number) };
}

const hyperFor = (config: TrmConfig, batch: number) =>
  validateHyper({
    global_batch_size: batch,
    lr: 1e-4,
    lr_warmup_steps: 0,
    weight_decay: 0.1,
    puzzle_emb_lr: 1e-2,
    puzzle_emb_weight_decay: 0.1,
    ema: false,
    seed: 1,
    total_steps: 10 + 0 * config.hidden_size,
  });

describe.each(['sudoku-mlp-small', 'grid-att-small'])('training parity with the official code: %s', (name) => {
  it('loss, lm_loss, q_halt_loss and every gradient of step 1 match', async () => {
    const fx = fixture(name);
    const model = await loadCheckpointFile(join(fx.dir, 'step_0'), { config: fx.config });
    const variables = new Map([...namedWeights(model.weights)].map(([n, t]) => [n, tf.variable(t, !BUFFERS.has(n), `${name}/${n}`)]));
    const params = new Map([...variables].filter(([n]) => !BUFFERS.has(n)));
    const trm = createTrm(fx.config, weightsFromNamed(variables, fx.config));
    const batch = fx.batches[0]!;
    const B = batch.length;
    const replica = createReplica(trm, params, B);
    const out = await replica.compute({
      reset: new Uint8Array(B).fill(1),
      tokens: Int32Array.from(batch.flatMap((e) => [...e.tokens])),
      labels: Int32Array.from(batch.flatMap((e) => [...e.labels])),
      identifiers: Int32Array.from(batch.map((e) => e.id)),
      globalBatch: B,
    });
    const ref = fx.train.steps[0];
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(rel(out.lm, ref.lm_loss)).toBeLessThan(TOL.loss);
    expect(rel(out.bce, ref.q_halt_loss)).toBeLessThan(TOL.loss);
    expect(rel(out.lm + 0.5 * out.bce, ref.loss)).toBeLessThan(TOL.loss);

    const official = toOfficial(out.grads, fx.config);
    const keys = Object.keys(ref.grads);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) {
      const ours = official.get(key.replace('_orig_mod.model.inner.', ''))!;
      expect(ours, key).toBeDefined();
      expect(maxRelError(ours.data, fx.tensor(`step1/grad/${key}`)), key).toBeLessThan(TOL.grad);
    }
    expect(maxRelError(out.puzzleGrads!, ref.puzzle_emb_local_weights_grad.grad.flat())).toBeLessThan(TOL.grad);
    replica.dispose();
    trm.dispose();
    tf.dispose([...variables.values()]);
    model.dispose();
  });

  it('AdamATan2 + SignSGD after step 1, and step 2 carry/halting, match', async () => {
    const fx = fixture(name);
    const model = await loadCheckpointFile(join(fx.dir, 'step_0'), { config: fx.config });
    const B = fx.batches[0]!.length;
    const trainer = await createTrainer({ config: fx.config, weights: model.weights, hyper: hyperFor(fx.config, B), source: fixtureSource(fx.batches) });
    const before = tf.memory().numTensors;

    const m1 = await trainer.trainStep();
    const snap1 = await trainer.snapshot();
    const arrays = new Map([...snap1.tensors].filter(([k]) => k.startsWith('param/')).map(([k, v]) => [k.slice(6), v.data]));
    const official = toOfficial(arrays, fx.config);
    // At t = 1 the AdamATan2 step is nearly sign(g)·η·atan(0.1)/0.1 whatever |g|, so an element whose
    // reference gradient is below the gradient tolerance (1e-4 of the tensor's max) may legitimately
    // step the other way. Every other element must match to 1e-5; the optimizer alone is checked
    // exactly on the official gradients in the next test.
    let undetermined = 0;
    for (const key of Object.keys(fx.train.steps[0].grads)) {
      const ours = official.get(key.replace('_orig_mod.model.inner.', ''))!.data;
      const [ref, g] = [fx.tensor(`step1/param_after_adam/${key}`), fx.tensor(`step1/grad/${key}`)];
      const [scale, gmax] = [Math.max(...ref.map(Math.abs)), Math.max(...g.map(Math.abs))];
      for (let i = 0; i < ref.length; i++) {
        if (Math.abs(ours[i]! - ref[i]!) <= TOL.param * scale) continue;
        expect(Math.abs(g[i]!), `${key}[${i}] differs with a determined gradient`).toBeLessThan(TOL.grad * gmax);
        undetermined++;
      }
    }
    expect(undetermined).toBeLessThanOrEqual(2);
    expect(maxRelError(official.get('puzzle_emb.weights')!.data, fx.train.steps[0].after_optimizer.puzzle_emb_weights_after_signsgd.flat())).toBeLessThan(TOL.param);
    const ref1 = fx.train.steps[0];
    expect(snap1.state.slots.halted).toEqual(ref1.carry_out.halted);
    expect(snap1.state.slots.steps).toEqual(ref1.carry_out.steps);
    expect(m1.count).toBe(ref1.metrics_raw.count);
    expect(m1.accuracy).toBeCloseTo(ref1.metrics_train_batch['train/accuracy'], 5);
    expect(m1.exactAccuracy).toBeCloseTo(ref1.metrics_train_batch['train/exact_accuracy'], 6);
    expect(m1.lmLoss).toBeCloseTo(ref1.metrics_train_batch['train/lm_loss'], 4);

    const m2 = await trainer.trainStep();
    const ref2 = fx.train.steps[1];
    const snap2 = await trainer.snapshot();
    expect(snap2.state.slots.halted).toEqual(ref2.carry_out.halted);
    expect(snap2.state.slots.steps).toEqual(ref2.carry_out.steps);
    expect(snap2.state.slots.tokens).toEqual(ref2.carry_out.current_data.inputs.flat());
    expect(Math.abs(m2.lmLoss * B + 0.5 * m2.qHaltLoss * B - ref2.loss) / ref2.loss).toBeLessThan(TOL.loss);
    expect(m2.count).toBe(ref2.metrics_raw.count);
    expect(m2.steps).toBeCloseTo(ref2.metrics_train_batch['train/steps'], 6);
    expect(tf.memory().numTensors).toBe(before);

    await trainer.dispose();
    tf.dispose(weightTensors(model.weights));
  });

  it('AdamATan2 and SignSGD alone, fed the official gradients, give the official parameters', async () => {
    const fx = fixture(name);
    const model = await loadCheckpointFile(join(fx.dir, 'step_0'), { config: fx.config });
    const officialGrads = new Map<string, Float32Array>();
    const shapes = officialShapes(fx.config);
    for (const key of shapes.keys()) {
      const full = `_orig_mod.model.inner.${key}`;
      officialGrads.set(key, fx.train.steps[0].grads[full] ? fx.tensor(`step1/grad/${full}`) : new Float32Array(shapes.get(key)!.reduce((a, b) => a * b, 1)));
    }
    const gradWeights = weightsFromOfficial(officialGrads, fx.config); // the gradients laid out like the weights
    const grads = new Map([...namedWeights(gradWeights)].filter(([n]) => !BUFFERS.has(n)));
    const variables = new Map([...namedWeights(model.weights)].map(([n, t]) => [n, tf.variable(t, !BUFFERS.has(n), `${name}/alone/${n}`)]));
    const params = new Map([...variables].filter(([n]) => !BUFFERS.has(n)));

    const adam = createAdamAtan2(params, { beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
    adam.step(grads, 1e-4);
    const local = fx.train.steps[0].puzzle_emb_local_weights_grad;
    signSgdRows(variables.get('puzzleEmb')!, Int32Array.from(local.local_ids), Float32Array.from(local.grad.flat()), 1e-2, 0.1);

    const after = toOfficial(new Map(await Promise.all([...variables].map(async ([n, v]) => [n, (await v.data()) as Float32Array] as const))), fx.config);
    for (const key of Object.keys(fx.train.steps[0].grads)) {
      expect(maxRelError(after.get(key.replace('_orig_mod.model.inner.', ''))!.data, fx.tensor(`step1/param_after_adam/${key}`)), key).toBeLessThan(TOL.param);
    }
    expect(maxRelError(after.get('puzzle_emb.weights')!.data, fx.train.steps[0].after_optimizer.puzzle_emb_weights_after_signsgd.flat())).toBeLessThan(TOL.param);
    adam.dispose();
    tf.dispose([...variables.values(), ...weightTensors(gradWeights)]);
    model.dispose();
  });
});
