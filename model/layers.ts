/**
 * TRM primitives as pure tensor functions (spec §3.1). Weights are stored pre-transposed
 * ([in, out], "kernel" layout) so every dense layer is a plain `matMul(x, w)`: the wasm backend
 * takes a slow path for transposed matMuls (docs/training-notes.md §2.2).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-slice work (MACs) from which a batched matMul runs faster as one 2-D matMul per slice: the
 * wasm backend sends every batched or transposed matMul to a naive loop (~2 GFLOP/s) and only a
 * single 2-D product to XNNPACK (~20 GFLOP/s), but each 2-D call pays operator set-up. Measured
 * here: at L = 916 (Maze/ARC) slicing is ~8× faster; at L ≤ 160 the naive batched loop wins.
 */
const SLICE_MACS = 8e6;

/** a [G, N, K] · b [G, K, M] → [G, N, M], through XNNPACK slice by slice when the slices are large. */
export function batchedMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [g, n, k] = a.shape;
  const m = b.shape[2];
  if (n * k * m < SLICE_MACS || g === 1) return tf.matMul(a, b);
  const as = tf.split(a, g, 0);
  const bs = tf.split(b, g, 0);
  return tf.concat(as.map((ai, i) => tf.reshape(tf.matMul(tf.reshape(ai, [n, k]) as tf.Tensor2D, tf.reshape(bs[i]!, [k, m]) as tf.Tensor2D), [1, n, m])), 0) as tf.Tensor3D;
}

const product = (a: tf.Tensor, b: tf.Tensor) => (a.rank === 3 ? batchedMatMul(a as tf.Tensor3D, b as tf.Tensor3D) : tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));

/**
 * matMul whose gradient transposes explicitly: TF.js's own matMul gradient uses the transposeA/B
 * flags, which run 10-20× slower on the wasm backend (training-notes §2.2). Works for [N, K]·[K, M]
 * and batched [G, N, K]·[G, K, M]. Same forward value as tf.matMul.
 */
export const fastMatMul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  const swapLast = (t: tf.Tensor) => tf.transpose(t, t.rank === 2 ? [1, 0] : [0, 2, 1]);
  return {
    value: product(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [product(dy as tf.Tensor, swapLast(saved[1]!)), product(swapLast(saved[0]!), dy as tf.Tensor)],
  };
}) as <T extends tf.Tensor>(a: T, b: tf.Tensor) => T;

/** A dense layer without bias: x [N, in] · w [in, out] → [N, out] (official `F.linear(x, W)` with w = Wᵀ). */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return fastMatMul(x, w);
}

/**
 * Row lookup table[ids] with a gradient the wasm backend has: TF.js's gather gradient needs
 * UnsortedSegmentSum, which wasm lacks, so the table gradient is oneHot(ids)ᵀ · dy.
 */
export const embeddingLookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, ids, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([ids]); // kept by the tape; a closure-captured tensor would be freed before backprop
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
      tf.matMul(tf.transpose(tf.oneHot(saved[0] as tf.Tensor1D, table.shape[0])), dy as tf.Tensor2D),
      tf.zerosLike(saved[0]!),
    ],
  };
}) as (table: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D;

/** The identity, with no gradient (TF.js has no stop-gradient op). */
export const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor) };
}) as <T extends tf.Tensor>(x: T) => T;

/** Weightless RMSNorm over the last axis: v / sqrt(mean(v²) + eps). */
export function rmsNorm<T extends tf.Tensor>(v: T, eps: number): T {
  return tf.mul(v, tf.rsqrt(tf.add(tf.mean(tf.square(v), -1, true), eps)));
}

export interface SwigluWeights {
  gate: tf.Tensor2D; // [in, I]  first half of the official gate_up_proj rows
  up: tf.Tensor2D; // [in, I]    second half
  down: tf.Tensor2D; // [I, in]
}

/** SwiGLU over the last axis: down(silu(gate(x)) ⊙ up(x)). */
export function swiglu(x: tf.Tensor2D, w: SwigluWeights): tf.Tensor2D {
  const g = linear(x, w.gate);
  return linear(tf.mul(tf.mul(g, tf.sigmoid(g)), linear(x, w.up)), w.down);
}

/** Rotary tables, each [L, 1, d_h]: the d_h/2 angles p·θ^(−2k/d_h) written twice (rotate-half form). */
export interface RopeTables {
  cos: tf.Tensor3D;
  sin: tf.Tensor3D;
}

/**
 * Builds the RoPE tables the way the official `RotaryEmbedding` does, in float32 at every stage
 * (inv_freq, p·inv_freq, cos/sin), so the angles match the reference bit for bit where possible.
 */
export function ropeTables(length: number, headDim: number, theta: number): RopeTables {
  const half = headDim / 2;
  const f = Math.fround;
  const cos = new Float32Array(length * headDim);
  const sin = new Float32Array(length * headDim);
  for (let k = 0; k < half; k++) {
    const invFreq = f(1 / f(Math.pow(theta, f(f(2 * k) / headDim))));
    for (let p = 0; p < length; p++) {
      const angle = f(p * invFreq);
      const [c, s] = [Math.cos(angle), Math.sin(angle)];
      cos[p * headDim + k] = cos[p * headDim + k + half] = c;
      sin[p * headDim + k] = sin[p * headDim + k + half] = s;
    }
  }
  return { cos: tf.tensor3d(cos, [length, 1, headDim]), sin: tf.tensor3d(sin, [length, 1, headDim]) };
}

/** rot(u) = u⊙cos + concat(−u₂, u₁)⊙sin for u [B, L, H, d_h] (not interleaved). */
function applyRope(u: tf.Tensor4D, rope: RopeTables): tf.Tensor4D {
  const half = u.shape[3] / 2;
  const [u1, u2] = tf.split(u, [half, half], 3);
  const rotated = tf.concat([tf.neg(u2), u1], 3);
  return tf.add(tf.mul(u, rope.cos), tf.mul(rotated, rope.sin));
}

export interface AttentionWeights {
  q: tf.Tensor2D; // [D, D]  official qkv_proj rows 0..D-1, transposed
  k: tf.Tensor2D; // [D, D]  rows D..2D-1
  v: tf.Tensor2D; // [D, D]  rows 2D..3D-1
  o: tf.Tensor2D; // [D, D]  o_proj, transposed
}

/**
 * Non-causal multi-head attention with no mask (spec §3.1): every position, the zero prefix
 * slots included, attends to all L positions. h is [B·L, D]; returns [B·L, D].
 */
export function attention(h: tf.Tensor2D, batch: number, heads: number, w: AttentionWeights, rope: RopeTables | null): tf.Tensor2D {
  const [rows, d] = h.shape;
  const length = rows / batch;
  const dh = d / heads;
  const split = (t: tf.Tensor2D) => tf.reshape(t, [batch, length, heads, dh]) as tf.Tensor4D;
  let q = split(linear(h, w.q));
  let k = split(linear(h, w.k));
  const v = split(linear(h, w.v));
  if (rope) {
    q = applyRope(q, rope);
    k = applyRope(k, rope);
  }
  const qh = tf.reshape(tf.transpose(q, [0, 2, 1, 3]), [batch * heads, length, dh]) as tf.Tensor3D;
  const khT = tf.reshape(tf.transpose(k, [0, 2, 3, 1]), [batch * heads, dh, length]) as tf.Tensor3D;
  const vh = tf.reshape(tf.transpose(v, [0, 2, 1, 3]), [batch * heads, length, dh]) as tf.Tensor3D;
  const scores = tf.mul(fastMatMul(qh, khT), 1 / Math.sqrt(dh)); // [B·H, L, L]
  const out = fastMatMul(tf.softmax(scores), vh); // [B·H, L, d_h]
  const merged = tf.reshape(tf.transpose(tf.reshape(out, [batch, heads, length, dh]), [0, 2, 1, 3]), [rows, d]) as tf.Tensor2D;
  return linear(merged, w.o);
}

/**
 * The `mlp_t` token mixer and its norm (spec §3.3): a SwiGLU along the sequence axis, then
 * RMSNorm over the SEQUENCE axis per channel, as the official code (which transposes h to
 * [B, D, L] first) does. h is [B, L, D]; returns the normalised [B, L, D].
 */
export function tokenMixNorm(h: tf.Tensor3D, w: SwigluWeights, eps: number): tf.Tensor3D {
  const [batch, length, d] = h.shape;
  const hT = tf.reshape(tf.transpose(h, [0, 2, 1]), [batch * d, length]) as tf.Tensor2D; // [B·D, L]
  const mixed = rmsNorm(tf.add(hT, swiglu(hT, w)), eps);
  return tf.transpose(tf.reshape(mixed, [batch, d, length]), [0, 2, 1]) as tf.Tensor3D;
}
