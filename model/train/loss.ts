/**
 * The ACT loss head (official models/losses.py `ACTLossHead`, spec §5.2):
 *   lm_b  = Σ_{labelled i} stablemax-CE_i / max(c_b, 1)
 *   bce_b = BCE-with-logits(q_halt_b, "row b is entirely right")
 *   total = Σ_b lm_b + 0.5 · Σ_b bce_b
 * Labels use −100 for ignored cells (the official collate's value).
 */
import * as tf from '@tensorflow/tfjs-core';
import { stablemaxCrossEntropy } from '../stablemax.js';

export const IGNORE_LABEL = -100;

export interface ActLoss {
  /** Σ_b lm_b + 0.5 · Σ_b bce_b (scalar). */
  total: tf.Scalar;
  /** Σ_b lm_b (scalar). */
  lm: tf.Scalar;
  /** Σ_b bce_b (scalar). */
  bce: tf.Scalar;
}

/**
 * Row b is entirely right (every labelled cell's argmax equals its label), as 0/1 floats. Computed
 * inside a custom-gradient op so that argMax/equal (which have no gradient) stay off the tape.
 */
const sequenceCorrect = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [logits, labels] = args as [tf.Tensor3D, tf.Tensor2D];
  const value = tf.tidy(() => {
    const mask = tf.notEqual(labels, IGNORE_LABEL);
    const right = tf.logicalOr(tf.equal(tf.argMax(logits, -1), labels), tf.logicalNot(mask));
    return tf.cast(tf.all(right, -1), 'float32');
  });
  return { value, gradFunc: () => [tf.zerosLike(logits), tf.zerosLike(labels)] };
}) as (logits: tf.Tensor3D, labels: tf.Tensor2D) => tf.Tensor1D;

/** lm_b, each row's stablemax cross-entropy per labelled cell: [B]. logits [B, S, V], labels int32 [B, S]. */
export function lmLossRows(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Tensor1D {
  const count = tf.sum(tf.cast(tf.notEqual(labels, IGNORE_LABEL), 'float32'), -1);
  return tf.div(tf.sum(stablemaxCrossEntropy(logits, labels, IGNORE_LABEL), -1), tf.maximum(count, 1)) as tf.Tensor1D;
}

/** logits [B, S, V], qHalt [B], labels int32 [B, S]. */
export function actLoss(logits: tf.Tensor3D, qHalt: tf.Tensor1D, labels: tf.Tensor2D): ActLoss {
  const lmRows = lmLossRows(logits, labels);
  const target = sequenceCorrect(logits, labels);
  // Numerically stable BCE with logits: max(q, 0) − q·t + log(1 + e^(−|q|)).
  const bceRows = tf.add(tf.sub(tf.relu(qHalt), tf.mul(qHalt, target)), tf.log1p(tf.exp(tf.neg(tf.abs(qHalt)))));
  const lm = tf.sum(lmRows) as tf.Scalar;
  const bce = tf.sum(bceRows) as tf.Scalar;
  return { total: tf.add(lm, tf.mul(bce, 0.5)), lm, bce };
}
