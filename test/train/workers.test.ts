import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../model/index.js';
import { registerGradients } from '../../model/runtime/node-backend.js';
import { shardSizes, workerReplicas } from '../../model/runtime/node-replicas.js';
import { initWeights } from '../../model/train/init.js';
import { validateHyper } from '../../model/train/hyper.js';
import { createTrainer, type ReplicaFactory, type TrainerSnapshot } from '../../model/train/trainer.js';
import { sudokuGeneratorSource } from '../../model/data/sudoku-source.js';
import { weightTensors } from '../../model/weights.js';
import { maxRelError } from '../../scripts/parity/run.js';
import { useWasmBackend } from '../helpers/backend.js';
import * as tf from '@tensorflow/tfjs-core';

useWasmBackend();
beforeAll(() => registerGradients());

const config = validateConfig({ vocab_size: 11, seq_len: 81, mlp_t: true, pos_encodings: 'none', hidden_size: 32, H_cycles: 2, L_cycles: 2, halt_max_steps: 4 });
const hyper = validateHyper({ global_batch_size: 6, lr: 1e-3, lr_warmup_steps: 2, seed: 3, puzzle_emb_lr: 1e-2 });

async function train(replicas: ReplicaFactory | undefined, steps: number, from?: TrainerSnapshot) {
  const weights = initWeights(config, 7);
  const trainer = await createTrainer({ config, weights, hyper, source: sudokuGeneratorSource(11, { givens: [30, 40] }), ...(replicas ? { replicas } : {}) });
  tf.dispose(weightTensors(weights));
  if (from) await trainer.restore(from);
  const metrics = [];
  for (let i = 0; i < steps; i++) metrics.push(await trainer.trainStep());
  const snap = await trainer.snapshot();
  await trainer.dispose();
  return { metrics, snap };
}

describe('the batch is drawn one step ahead, while the replicas compute', () => {
  it('asks for the next batch during a step, and checkpoints the source as it was before that draw', async () => {
    const source = sudokuGeneratorSource(11, { givens: [30, 40] });
    let batches = 0;
    const counted = { ...source, next: (n: number) => (batches++, source.next(n)) };
    const weights = initWeights(config, 7);
    const trainer = await createTrainer({ config, weights, hyper, source: counted, replicas: workerReplicas(2) });
    tf.dispose(weightTensors(weights));
    for (let i = 0; i < 2; i++) await trainer.trainStep();
    expect(batches).toBe(3); // two used, one drawn ahead
    const fresh = sudokuGeneratorSource(11, { givens: [30, 40] });
    fresh.next(2 * hyper.global_batch_size);
    expect((await trainer.snapshot()).state.source).toEqual(fresh.state());
    await trainer.dispose();
  });
});

describe('data-parallel training over worker threads', () => {
  it('splits the batch into near-equal contiguous shards', () => {
    expect(shardSizes(6, 2)).toEqual([3, 3]);
    expect(shardSizes(7, 3)).toEqual([3, 2, 2]);
    expect(() => shardSizes(2, 3)).toThrow(/cannot split a batch of 2 over 3 workers/);
  });

  it('2 workers give the same parameters, carries and halting as 1 thread on the same global batch', async () => {
    const single = await train(undefined, 4);
    const multi = await train(workerReplicas(2), 4);
    expect(multi.snap.state.slots.halted).toEqual(single.snap.state.slots.halted);
    expect(multi.snap.state.slots.steps).toEqual(single.snap.state.slots.steps);
    // Summing two half-batch gradients instead of one full-batch gradient reorders float additions.
    for (const [name, t] of single.snap.tensors) {
      if (name.startsWith('carry/')) continue;
      expect(maxRelError(multi.snap.tensors.get(name)!.data, t.data), name).toBeLessThan(1e-4);
    }
    expect(maxRelError(multi.snap.tensors.get('carry/y')!.data, single.snap.tensors.get('carry/y')!.data)).toBeLessThan(1e-4);
    multi.metrics.forEach((m, i) => expect(m.lmLoss).toBeCloseTo(single.metrics[i]!.lmLoss, 4));
  });

  it('a checkpoint resumes with another number of workers, and checkpoints with one carry per replica still load', async () => {
    const multi = await train(workerReplicas(2), 3);
    const same = (a: TrainerSnapshot, b: TrainerSnapshot) => {
      expect(b.state).toEqual(a.state);
      for (const [name, t] of a.tensors) expect(Buffer.from(b.tensors.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    };
    same(multi.snap, (await train(undefined, 0, multi.snap)).snap);
    // The earlier layout: carry/<i>/y and carry/<i>/z per replica, rows in replica order.
    const legacy: TrainerSnapshot = { state: multi.snap.state, tensors: new Map([...multi.snap.tensors].filter(([n]) => !n.startsWith('carry/'))) };
    for (const k of ['y', 'z']) {
      const whole = multi.snap.tensors.get(`carry/${k}`)!;
      const half = whole.data.length / 2; // 3 of the 6 slots per replica
      [0, 1].forEach((i) => legacy.tensors.set(`carry/${i}/${k}`, { shape: [3, ...whole.shape.slice(1)], data: whole.data.slice(i * half, (i + 1) * half) }));
    }
    same(multi.snap, (await train(undefined, 0, legacy)).snap);
    // Continuing on 1 thread follows the 2-worker run (within the float reordering tolerance above).
    const [a, b] = [await train(workerReplicas(2), 2, multi.snap), await train(undefined, 2, multi.snap)];
    expect(b.snap.state.slots.halted).toEqual(a.snap.state.slots.halted);
    for (const [name, t] of a.snap.tensors) expect(maxRelError(b.snap.tensors.get(name)!.data, t.data), name).toBeLessThan(1e-4);
  });
});

describe('a step that exhausts the backend memory', () => {
  // What a worker reports when its wasm heap (4 GB at most) runs out: maze-att-cpu at 30×30 with 8 examples per worker does.
  const trapping =
    (message: string): ReplicaFactory =>
    (_trm, _params, batch) => ({
      sizes: [batch],
      compute: () => Promise.reject(new Error(message)),
      afterUpdate: async () => {},
      readCarry: async () => [],
      writeCarry: async () => {},
      dispose: async () => {},
    });

  it('is reported as out_of_memory with the examples per worker and the remedy; other failures pass unchanged', async () => {
    const step = async (message: string) => {
      const weights = initWeights(config, 7);
      const trainer = await createTrainer({ config, weights, hyper, source: sudokuGeneratorSource(11, { givens: [30, 40] }), replicas: trapping(message) });
      tf.dispose(weightTensors(weights));
      const error = await trainer.trainStep().then(
        () => null,
        (e: Error & { code?: string }) => e,
      );
      await trainer.dispose();
      return error;
    };
    const oom = await step('training worker failed: RuntimeError: memory access out of bounds');
    expect(oom?.code).toBe('out_of_memory');
    expect(oom?.message).toMatch(/with 6 examples per worker of 81 tokens .*memory access out of bounds.*lower the batch or spread it over more workers/);
    const other = await step('training worker failed: TypeError: x is undefined');
    expect(other?.code).toBeUndefined();
    expect(other?.message).toBe('training worker failed: TypeError: x is undefined');
  });
});
