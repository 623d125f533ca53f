import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { validateConfig } from '../../model/index.js';
import { registerGradients } from '../../model/runtime/node-backend.js';
import { initWeights } from '../../model/train/init.js';
import { validateHyper } from '../../model/train/hyper.js';
import { createTrainer } from '../../model/train/trainer.js';
import { mazeGeneratorSource } from '../../model/data/maze-generator.js';
import { weightTensors } from '../../model/weights.js';
import { useWasmBackend } from '../helpers/backend.js';

useWasmBackend();
beforeAll(() => registerGradients());

const N = 3;
const config = validateConfig({
  vocab_size: 6,
  seq_len: 25,
  mlp_t: true,
  pos_encodings: 'none',
  hidden_size: 16,
  H_cycles: 1,
  L_cycles: 1,
  halt_max_steps: N,
  halt_exploration_prob: 0,
});

/** Supervision steps of the rows that halted at each of 2·N optimizer steps, with a q head that always says halt. */
async function haltingSteps(halting: boolean): Promise<number[][]> {
  const weights = initWeights(config, 1);
  tf.dispose(weights.qHeadBias);
  weights.qHeadBias = tf.tensor1d([5, 0]); // q_halt ≈ 5 > 0: halt at once, if allowed
  const trainer = await createTrainer({
    config,
    weights,
    hyper: validateHyper({ global_batch_size: 4, lr_warmup_steps: 1, halting, seed: 2 }),
    source: mazeGeneratorSource(1, { size: 5 }),
  });
  tf.dispose(weightTensors(weights));
  const seen: number[][] = [];
  for (let i = 0; i < 2 * N; i++) {
    const m = await trainer.trainStep();
    seen.push(m.count ? [m.count, m.steps] : []);
  }
  await trainer.dispose();
  return seen;
}

describe('halting in training', () => {
  it('halts a row when q_halt > 0 by default, and runs every row for halt_max_steps with halting: false', async () => {
    expect(await haltingSteps(true)).toEqual(Array.from({ length: 2 * N }, () => [4, 1]));
    expect(await haltingSteps(false)).toEqual([[], [], [4, N], [], [], [4, N]]);
  });
});
