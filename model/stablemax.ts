/**
 * Stablemax (official models/losses.py, spec §5.2): s(v) = v + 1 for v ≥ 0 and 1/(1 − v) for
 * v < 0, p(k) = s(ℓ_k) / Σ_j s(ℓ_j). TRM trains its lm_head against this distribution, so it is
 * also the distribution to show as per-cell probabilities. Float32 here; the official loss uses
 * float64 (the fixtures agree to ~1e-7 relative).
 */
import * as tf from '@tensorflow/tfjs-core';

/** s(v) written without a data-dependent mask (so it differentiates on every backend): relu(v) + 1/(1 + relu(−v)). */
function s(v: tf.Tensor): tf.Tensor {
  return tf.add(tf.relu(v), tf.reciprocal(tf.add(tf.relu(tf.neg(v)), 1)));
}

/** log p over the last axis. */
export function logStablemax<T extends tf.Tensor>(logits: T): T {
  const sv = s(logits);
  return tf.sub(tf.log(sv), tf.log(tf.sum(sv, -1, true)));
}

/** p over the last axis. */
export function stablemax<T extends tf.Tensor>(logits: T): T {
  const sv = s(logits);
  return tf.div(sv, tf.sum(sv, -1, true));
}

/**
 * Per-position cross-entropy −log p(label) for logits [..., V] and int32 labels [...];
 * positions whose label equals `ignoreLabel` (official: −100) contribute 0.
 */
export function stablemaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, ignoreLabel = -100): tf.Tensor {
  const vocab = logits.shape[logits.shape.length - 1]!;
  const valid = tf.notEqual(labels, ignoreLabel);
  const safeLabels = tf.where(valid, labels, tf.zerosLike(labels));
  const picked = tf.sum(tf.mul(logStablemax(logits), tf.oneHot(tf.cast(safeLabels, 'int32'), vocab)), -1);
  return tf.neg(tf.mul(picked, tf.cast(valid, 'float32')));
}
