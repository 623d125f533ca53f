/**
 * Sparse SignSGD for puzzle-embedding rows (official CastedSparseEmbeddingSignSGD_Distributed,
 * spec §5.6): the batch's row gradients are summed by identifier, and only those rows change:
 *   E[u] ← E[u]·(1 − η·λ) − η·sign(g_u),   sign(0) = 0.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Updates `table` [N, ndim] in place from the per-sample row gradients `rowGrads` [B, ndim] of
 * identifiers `ids` [B].
 */
export function signSgdRows(table: tf.Variable, ids: Int32Array, rowGrads: Float32Array, lr: number, weightDecay: number): void {
  const ndim = table.shape[1]!;
  const sums = new Map<number, Float32Array>();
  ids.forEach((id, b) => {
    const sum = sums.get(id) ?? sums.set(id, new Float32Array(ndim)).get(id)!;
    for (let k = 0; k < ndim; k++) sum[k]! += rowGrads[b * ndim + k]!;
  });
  const unique = [...sums.keys()].sort((a, b) => a - b);
  tf.tidy(() => {
    const indices = tf.tensor2d(unique, [unique.length, 1], 'int32');
    const rows = tf.gather(table, tf.tensor1d(unique, 'int32'));
    const signs = tf.tensor2d(Float32Array.from(unique.flatMap((id) => Array.from(sums.get(id)!, Math.sign))), [unique.length, ndim]);
    const updated = tf.sub(tf.mul(rows, 1 - lr * weightDecay), tf.mul(signs, lr));
    table.assign(tf.tensorScatterUpdate(table, indices, updated));
  });
}
