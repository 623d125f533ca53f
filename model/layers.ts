/**
 * TRM primitives as pure tensor functions (spec §3.1). Weights are stored pre-transposed
 * ([in, out], "kernel" layout) so every dense layer is a plain `matMul(x, w)`: the wasm backend
 * takes a slow path for transposed matMuls (docs/training-notes.md §2.2).
 */
import * as tf from '@tensorflow/tfjs-core';

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
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor, swapLast(saved[1]!)), tf.matMul(swapLast(saved[0]!), dy as tf.Tensor)],
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

/**
 * Rotary tables, each [L, 1, d_h]: the d_h/2 angles p·θ^(−2k/d_h) written twice (rotate-half form);
 * and rotateHalf [d_h, d_h], the signed permutation with u·rotateHalf = concat(−u₂, u₁).
 */
export interface RopeTables {
  cos: tf.Tensor3D;
  sin: tf.Tensor3D;
  rotateHalf: tf.Tensor2D;
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
  const rotateHalf = new Float32Array(headDim * headDim);
  for (let k = 0; k < half; k++) {
    rotateHalf[(k + half) * headDim + k] = -1; // output k ← −u[k + half]
    rotateHalf[k * headDim + k + half] = 1; // output k + half ← u[k]
  }
  return { cos: tf.tensor3d(cos, [length, 1, headDim]), sin: tf.tensor3d(sin, [length, 1, headDim]), rotateHalf: tf.tensor2d(rotateHalf, [headDim, headDim]) };
}

/**
 * rot(u) = u⊙cos + concat(−u₂, u₁)⊙sin for u [B, L, H, d_h] (not interleaved). The half swap is a
 * matMul by a signed permutation (exact: one ±1 term per output), 3× cheaper on wasm than
 * split + concat, which cut slices in JS.
 */
function applyRope(u: tf.Tensor4D, rope: RopeTables): tf.Tensor4D {
  const [b, l, h, dh] = u.shape;
  const rotated = tf.reshape(linear(tf.reshape(u, [b * l * h, dh]) as tf.Tensor2D, rope.rotateHalf), u.shape);
  return tf.add(tf.mul(u, rope.cos), tf.mul(rotated, rope.sin));
}

/**
 * When attention runs one (batch, head) slice at a time: the wasm backend sends a batched matMul to
 * a naive loop and only a 2-D one to XNNPACK (about 10× faster), but each slice pays set-up and its
 * selection (`sliceAt`) costs G·L·d_h. Measured here (forward and backward, d_h 32-64): slicing wins
 * 2-7× from L·L·d_h ≈ 3·10⁵ (L 97, d_h 32) up, while G ≤ 4·L (at L 97: 1.7× faster at G 256, 1.1×
 * slower at G 512); below 5·10⁴ (L 52, d_h 16) the batched loop is faster.
 */
const sliced = (g: number, length: number, dh: number) => length * length * dh >= 2.5e5 && g <= 4 * length;

/** softmax(q·kᵀ/√d_h)·v for every slice at once: q, v [G, L, d_h], kᵀ [G, d_h, L]. */
function attendBatched(qh: tf.Tensor3D, khT: tf.Tensor3D, vh: tf.Tensor3D): tf.Tensor3D {
  const scores = tf.mul(fastMatMul(qh, khT), 1 / Math.sqrt(qh.shape[2]));
  return fastMatMul(tf.softmax(scores) as tf.Tensor3D, vh);
}

/**
 * Slice g of t [G, n, k] as an [n, k] tensor, taken by a one-hot matMul ([1, G]·[G, n·k], exact:
 * every other slice is multiplied by 0). The wasm backend has no fast way to cut a slice: its
 * Slice/Split kernels copy the WHOLE input to the JS heap for every slice they cut, and its Gather
 * walks element by element (~30 ns each); XNNPACK does this product at memory speed.
 */
function sliceAt(t: tf.Tensor3D, g: number): tf.Tensor2D {
  const [count, n, k] = t.shape;
  const pick = new Float32Array(count); // built here: wasm's OneHot kernel writes zeros for float32
  pick[g] = 1;
  return tf.reshape(tf.matMul(tf.tensor2d(pick, [1, count]), tf.reshape(t, [count, n * k]) as tf.Tensor2D), [n, k]) as tf.Tensor2D;
}
const transpose2d = (t: tf.Tensor2D) => tf.transpose(t, [1, 0]) as tf.Tensor2D;

/**
 * The same value one slice at a time, holding a single [L, L] score matrix (3.4 MB at L = 916, not
 * G of them): 2-D matMuls reach XNNPACK, softmax works in cache, and the training tape keeps only
 * q, kᵀ and v. The backward pass recomputes each slice's probabilities P instead of storing them
 * (as flash attention does): with S = q·kᵀ/√d_h and O = P·v,
 * dv = Pᵀ·dO, dP = dO·vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dq = dS·k/√d_h, dkᵀ = qᵀ·dS/√d_h.
 */
const attendSliced = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [qh, khT, vh, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([qh, khT, vh]);
  const scale = 1 / Math.sqrt(qh.shape[2]);
  const probs = (q: tf.Tensor2D, kT: tf.Tensor2D) => tf.softmax(tf.mul(tf.matMul(q, kT), scale)) as tf.Tensor2D;
  const perSlice = (g: number, f: (g: number) => tf.Tensor[]) => Array.from({ length: g }, (_, i) => tf.tidy(() => f(i)));
  const slices = qh.shape[0];
  return {
    value: tf.stack(perSlice(slices, (g) => [tf.matMul(probs(sliceAt(qh, g), sliceAt(khT, g)), sliceAt(vh, g))]).flat()) as tf.Tensor3D,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [q3, kT3, v3] = saved as tf.Tensor3D[];
      const grads = perSlice(slices, (g) => {
        const [q, kT, v, dO] = [sliceAt(q3!, g), sliceAt(kT3!, g), sliceAt(v3!, g), sliceAt(dy as tf.Tensor3D, g)];
        const p = probs(q, kT);
        const dP = tf.matMul(dO, transpose2d(v));
        const dPp = tf.mul(dP, p); // softmax's gradient in TF.js's own order (dP⊙P − rowsum(dP⊙P)⊙P)
        const dS = tf.mul(tf.sub(dPp, tf.mul(tf.sum(dPp, 1, true), p)), scale) as tf.Tensor2D;
        return [tf.matMul(dS, transpose2d(kT)), tf.matMul(transpose2d(q), dS), tf.matMul(transpose2d(p), dO)];
      });
      const stacked = [0, 1, 2].map((j) => tf.stack(grads.map((slice) => slice[j]!)));
      tf.dispose(grads.flat());
      return stacked;
    },
  };
}) as (qh: tf.Tensor3D, khT: tf.Tensor3D, vh: tf.Tensor3D) => tf.Tensor3D;

/** softmax(q·kᵀ/√d_h)·v over G = B·H independent slices, one at a time when that is faster. */
export function attend(qh: tf.Tensor3D, khT: tf.Tensor3D, vh: tf.Tensor3D): tf.Tensor3D {
  const [g, length, dh] = qh.shape;
  return sliced(g, length, dh) ? attendSliced(qh, khT, vh) : attendBatched(qh, khT, vh);
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
  const out = attend(qh, khT, vh); // [B·H, L, d_h]
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
