/**
 * Inference timings on a backend: one network application, one supervision step (T(n+1)
 * applications and the heads) and a full solve (halt_max_steps steps, official procedure), at
 * batch 1 and 8, with achieved GFLOP/s from the FLOP counts of spec §9.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createTrm, runSteps, type TrmWeights } from '../../model/core.js';
import type { TrmConfig } from '../../model/index.js';
import { flopsPerApplication, flopsPerStep } from '../../model/cost.js';
import { gflops, memory, time, type Stats } from './measure.js';

export interface InferenceRow {
  model: string;
  backend: string;
  batch: number;
  what: 'application' | 'step' | 'solve';
  ms: Stats;
  /** Full solves of the largest configs are projected from the measured step (steps × step time). */
  projected: boolean;
  gflops: number;
  peakRssMb: number;
  wasmHeapMb: number | null;
}

export interface InferencePlan {
  batches: number[];
  runs: { application: number; step: number; solve: number };
  /** Measure full solves only when one step takes less than this (ms); otherwise project. */
  solveBudgetMs: number;
}

export async function benchInference(name: string, config: TrmConfig, weights: TrmWeights, plan: InferencePlan): Promise<InferenceRow[]> {
  const trm = createTrm(config, weights);
  const rows: InferenceRow[] = [];
  const backend = tf.getBackend();
  const push = (batch: number, what: InferenceRow['what'], ms: Stats, flop: number, projected = false) =>
    rows.push({ model: name, backend, batch, what, ms, projected, gflops: gflops(flop, ms.median), ...memory() });
  for (const B of plan.batches) {
    const L = trm.length;
    const D = config.hidden_size;
    const h = tf.randomNormal([B, L, D], 0, 1, 'float32', 1) as tf.Tensor3D;
    const inj = tf.randomNormal([B, L, D], 0, 1, 'float32', 2) as tf.Tensor3D;
    const app = await time(async () => {
      const out = trm.net(h, inj);
      await out.data();
      out.dispose();
    }, plan.runs.application);
    push(B, 'application', app, flopsPerApplication(config) * B);

    const tokens = tf.randomUniform([B, config.seq_len], 1, config.vocab_size, 'int32', 3) as tf.Tensor2D;
    const ids = tf.zeros([B], 'int32') as tf.Tensor1D;
    const x = trm.embed(tokens, ids);
    const step = await time(async () => {
      const carry = trm.initialCarry(B);
      const next = trm.step(carry, x);
      const heads = trm.heads(next.y);
      await heads.logits.data();
      tf.dispose([carry.y, carry.z, next.y, next.z, heads.logits, heads.qHalt]);
    }, plan.runs.step);
    push(B, 'step', step, flopsPerStep(config) * B);

    const steps = config.halt_max_steps;
    if (step.median * steps < plan.solveBudgetMs) {
      const batch = { tokens: (await tokens.data()) as Int32Array, identifiers: new Int32Array(B) };
      const solve = await time(async () => void (await runSteps(trm, batch, { halt: 'never' })), plan.runs.solve, 0);
      push(B, 'solve', solve, flopsPerStep(config) * steps * B);
    } else {
      const m = step.median * steps;
      push(B, 'solve', { median: m, min: step.min * steps, max: step.max * steps, p95: step.p95 * steps, runs: 0 }, flopsPerStep(config) * steps * B, true);
    }
    tf.dispose([h, inj, tokens, ids, x]);
  }
  trm.dispose();
  return rows;
}
