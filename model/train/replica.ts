/**
 * A replica computes one training step's gradients for a contiguous range of batch slots and keeps
 * those slots' carry (y, z) between optimizer steps (spec §5.1, §5.3). The trainer owns the data,
 * halting and optimizers; with several worker threads each holds a replica of its slots.
 *
 * Gradient flow (TF.js has no stop-gradient): the T − 1 gradient-free rounds run outside
 * `variableGrads`; inside it, x is rebuilt from the variables and the final round, the heads and
 * the loss run on the tape. The puzzle rows enter through a scratch variable (the official
 * `local_weights`), whose gradient the trainer turns into the sparse SignSGD update.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Carry, Trm } from '../trm.js';
import { actLoss } from './loss.js';

export interface ReplicaInput {
  /** [b] 1 = this slot starts a new example from (H_init, L_init). */
  reset: Uint8Array;
  /** [b·S] tokens of each slot's current example. */
  tokens: Int32Array;
  /** [b·S] labels; −100 = ignored. */
  labels: Int32Array;
  /** [b] puzzle identifiers. */
  identifiers: Int32Array;
  /** The loss is divided by the global batch (official `(1/global_batch_size)·loss`). */
  globalBatch: number;
}

export interface ReplicaOutput {
  /** Gradient of loss/globalBatch by trainable parameter name. */
  grads: Map<string, Float32Array>;
  /** [b, puzzle_emb_ndim] gradient of the puzzle rows, or null without a prefix. */
  puzzleGrads: Float32Array | null;
  /** [b] q_halt logits after this step. */
  qHalt: Float32Array;
  /** [b·S] argmax predictions after this step. */
  predictions: Int32Array;
  /** Σ over this replica's rows of lm_b and of bce_b. */
  lm: number;
  bce: number;
}

export interface Replica {
  compute(input: ReplicaInput): Promise<ReplicaOutput>;
  /** The carry of this replica's slots, for checkpoints. */
  readCarry(): Promise<{ y: Float32Array; z: Float32Array }>;
  writeCarry(y: Float32Array, z: Float32Array): void;
  dispose(): void;
}

let scratchCount = 0; // variable names must be unique per TF.js engine

/**
 * `params` are the trainable variables `trm` reads (by port name); `slots` is this replica's
 * batch size b.
 */
export function createReplica(trm: Trm, params: ReadonlyMap<string, tf.Variable>, slots: number): Replica {
  const { seq_len: S, H_cycles: T, puzzle_emb_ndim: ndim } = trm.config;
  const shape: [number, number, number] = [slots, trm.length, trm.config.hidden_size];
  let carry: Carry = trm.initialCarry(slots);
  const scratch = trm.prefix > 0 ? tf.variable(tf.zeros([slots, ndim]), true, `puzzle-rows-${++scratchCount}`) : null;
  const varList = [...params.values(), ...(scratch ? [scratch] : [])];

  async function compute(input: ReplicaInput): Promise<ReplicaOutput> {
    const tokens = tf.tensor2d(input.tokens, [slots, S], 'int32');
    const labels = tf.tensor2d(input.labels, [slots, S], 'int32');
    const ids = tf.tensor1d(input.identifiers, 'int32');

    // Reset slots that start a new example; earlier rounds run without gradient.
    const start = tf.tidy(() => {
      const fresh = trm.initialCarry(slots);
      const mask = tf.reshape(tf.tensor1d(input.reset, 'bool'), [slots, 1, 1]);
      return { y: tf.where(mask, fresh.y, carry.y) as tf.Tensor3D, z: tf.where(mask, fresh.z, carry.z) as tf.Tensor3D };
    });
    tf.dispose([carry.y, carry.z]);
    if (scratch) tf.tidy(() => scratch.assign(tf.gather(trm.weights.puzzleEmb!, ids)));
    const x0 = tf.tidy(() => trm.embed(tokens, ids));
    const before = T > 1 ? trm.step(start, x0, T - 1) : start;
    if (before !== start) tf.dispose([start.y, start.z]);
    x0.dispose();

    let next: Carry | null = null;
    let kept: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const x = trm.embed(tokens, (scratch as tf.Tensor2D | null) ?? ids);
      next = trm.round(before, x);
      const heads = trm.heads(next.y);
      const loss = actLoss(heads.logits, heads.qHalt, labels);
      kept = [next.y, next.z, heads.qHalt, tf.argMax(heads.logits, -1), loss.lm, loss.bce].map((t) => tf.keep(t));
      return tf.div(loss.total, input.globalBatch) as tf.Scalar;
    }, varList);
    tf.dispose([value, before.y, before.z, tokens, labels, ids]);
    carry = next!;

    const [, , qHalt, predictions, lm, bce] = kept;
    const arrays = new Map<string, Float32Array>();
    for (const [name, p] of params) arrays.set(name, (await grads[p.name]!.data()) as Float32Array);
    const out: ReplicaOutput = {
      grads: arrays,
      puzzleGrads: scratch ? ((await grads[scratch.name]!.data()) as Float32Array) : null,
      qHalt: (await qHalt!.data()) as Float32Array,
      predictions: (await predictions!.data()) as Int32Array,
      lm: (await lm!.data())[0]!,
      bce: (await bce!.data())[0]!,
    };
    tf.dispose([...Object.values(grads), qHalt!, predictions!, lm!, bce!]);
    return out;
  }

  return {
    compute,
    async readCarry() {
      return { y: (await carry.y.data()) as Float32Array, z: (await carry.z.data()) as Float32Array };
    },
    writeCarry(y, z) {
      tf.dispose([carry.y, carry.z]);
      carry = { y: tf.tensor3d(y, shape), z: tf.tensor3d(z, shape) };
    },
    dispose() {
      tf.dispose([carry.y, carry.z, ...(scratch ? [scratch] : [])]);
    },
  };
}
