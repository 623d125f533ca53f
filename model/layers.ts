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
    // In a tidy: backprop keeps what a gradient function leaves until the whole backward pass ends.
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
      tf.tidy(() => [tf.matMul(dy as tf.Tensor, swapLast(saved[1]!)), tf.matMul(swapLast(saved[0]!), dy as tf.Tensor)]),
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
    const invFreq = f(1 / f(theta ** f(f(2 * k) / headDim)));
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
 * u·r for the rotate-half permutation r (rᵀ = −r): exact, one ±1 term per output, and 3× cheaper on
 * wasm than split + concat, which cut slices in JS. Its gradient is dy·rᵀ = −dy·r; r is a constant.
 */
const rotate = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [u, r, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([r]);
  return {
    value: tf.matMul(u, r),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.tidy(() => [tf.neg(tf.matMul(dy as tf.Tensor2D, saved[0] as tf.Tensor2D)), tf.zerosLike(saved[0]!)]),
  };
}) as (u: tf.Tensor2D, r: tf.Tensor2D) => tf.Tensor2D;

/** rot(u) = u⊙cos + concat(−u₂, u₁)⊙sin for u [B, L, H, d_h] (not interleaved). */
function applyRope(u: tf.Tensor4D, rope: RopeTables): tf.Tensor4D {
  const [b, l, h, dh] = u.shape;
  const rotated = tf.reshape(rotate(tf.reshape(u, [b * l * h, dh]) as tf.Tensor2D, rope.rotateHalf), u.shape);
  return tf.add(tf.mul(u, rope.cos), tf.mul(rotated, rope.sin));
}

/**
 * When attention runs one (example, head) slice at a time: the wasm backend sends a batched matMul to
 * a naive loop and only a 2-D one to XNNPACK (about 10× faster), but each slice pays set-up and its
 * selection (`pick`) costs (B + H)·L·d_h. Measured here (forward and backward, d_h 32-64): slicing wins
 * 2-7× from L·L·d_h ≈ 3·10⁵ (L 97, d_h 32) up, while the selection's factor stays ≤ 4·L (at L 97,
 * picking from 256 slices at once was 1.7× faster, from 512 1.1× slower); at 5·10⁴ (L 52, d_h 16) the
 * batched loop is faster. The 2.5·10⁵ bound lies between those two measured points.
 */
const sliced = (b: number, h: number, length: number, dh: number) => length * length * dh >= 2.5e5 && b + h <= 4 * length;

/** softmax(q·kᵀ/√d_h)·v for every slice at once: q, v [B, H, L, d_h], kᵀ [B, H, d_h, L]. */
function attendBatched(q: tf.Tensor4D, kT: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  const [b, h, length, dh] = q.shape;
  const flat = (t: tf.Tensor4D) => tf.reshape(t, [b * h, t.shape[2], t.shape[3]]) as tf.Tensor3D;
  const scores = tf.mul(fastMatMul(flat(q), flat(kT)), 1 / Math.sqrt(dh));
  return tf.reshape(fastMatMul(tf.softmax(scores) as tf.Tensor3D, flat(v)), [b, h, length, dh]);
}

/** [1, count] with a 1 at i, built in JS: wasm's OneHot kernel writes zeros for float32. */
function oneHotRow(count: number, i: number): tf.Tensor2D {
  const row = new Float32Array(count);
  row[i] = 1;
  return tf.tensor2d(row, [1, count]);
}

/**
 * Part i of t [count, …], selected by its one-hot row: a [1, count]·[count, size] matMul. The wasm
 * backend has no fast way to cut a slice: its Slice/Split kernels copy the WHOLE input to the JS heap
 * for every slice they cut, and its Gather walks element by element (~30 ns each); XNNPACK runs this
 * product at memory speed. Exact for finite values (the other parts are multiplied by 0), but a NaN or
 * ∞ anywhere in t spreads to every part, where slicing would keep it in its own.
 */
function pick<T extends tf.Tensor>(t: tf.Tensor, row: tf.Tensor2D): T {
  const [count, ...part] = t.shape;
  if (count === 1) return tf.reshape(t, part) as T;
  const size = part.reduce((a, b) => a * b, 1);
  return tf.reshape(tf.matMul(row, tf.reshape(t, [count!, size]) as tf.Tensor2D), part) as T;
}

/** f(i, one-hot row i) for i < count, each in its own tidy. */
function each<T extends tf.TensorContainer>(count: number, f: (i: number, row: tf.Tensor2D) => T): T[] {
  return Array.from({ length: count }, (_, i) => tf.tidy(() => f(i, oneHotRow(count, i))));
}

const transpose2d = (t: tf.Tensor2D) => tf.transpose(t, [1, 0]) as tf.Tensor2D;
const probabilities = (q: tf.Tensor2D, kT: tf.Tensor2D, scale: number) => tf.softmax(tf.mul(tf.matMul(q, kT), scale)) as tf.Tensor2D;

/**
 * One slice's gradients [dq, dkᵀ, dv] from dO, its probabilities P recomputed (as flash attention
 * does): with S = q·kᵀ·scale, dv = Pᵀ·dO, dP = dO·vᵀ, dS = (dP⊙P − rowsum(dP⊙P)⊙P)·scale (softmax's
 * gradient in TF.js's own order), dq = dS·k, dkᵀ = qᵀ·dS.
 */
function sliceGradients(q: tf.Tensor2D, kT: tf.Tensor2D, v: tf.Tensor2D, dO: tf.Tensor2D, scale: number): tf.Tensor2D[] {
  const p = probabilities(q, kT, scale);
  const dPp = tf.mul(tf.matMul(dO, transpose2d(v)), p);
  const dS = tf.mul(tf.sub(dPp, tf.mul(tf.sum(dPp, 1, true), p)), scale) as tf.Tensor2D;
  return [tf.matMul(dS, transpose2d(kT)), tf.matMul(transpose2d(q), dS), tf.matMul(transpose2d(p), dO)];
}

/** Stacks part j of every entry: [[a0, b0], [a1, b1]] → [stack(a0, a1), stack(b0, b1)]. */
const stackParts = (entries: tf.Tensor[][]) => entries[0]!.map((_, j) => tf.stack(entries.map((e) => e[j]!)));

/**
 * The same value one slice at a time, holding a single [L, L] score matrix (3.4 MB at L = 916, not
 * B·H of them): 2-D matMuls reach XNNPACK, softmax works in cache, and the training tape keeps only
 * q, kᵀ and v, the backward pass recomputing each slice's probabilities. Slices are picked in two
 * levels, the example and then the head, so that selection reads (B + H)·L·d_h per slice, not B·H·L·d_h.
 */
const attendSliced = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [q4, kT4, v4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([q4, kT4, v4]);
  const [batch, heads, , dh] = q4.shape;
  const scale = 1 / Math.sqrt(dh);
  const value = each(batch, (_, example) => {
    const [q, kT, v] = [q4, kT4, v4].map((t) => pick<tf.Tensor3D>(t, example));
    return tf.stack(each(heads, (__, head) => tf.matMul(probabilities(pick(q!, head), pick(kT!, head), scale), pick(v!, head))));
  });
  return {
    value: tf.stack(value) as tf.Tensor4D,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const perExample = each(batch, (_, example) => {
        const [q, kT, v, dO] = [...saved, dy as tf.Tensor].map((t) => pick<tf.Tensor3D>(t, example));
        return stackParts(each(heads, (__, head) => sliceGradients(pick(q!, head), pick(kT!, head), pick(v!, head), pick(dO!, head), scale)));
      });
      const grads = stackParts(perExample);
      tf.dispose(perExample);
      return grads;
    },
  };
}) as (q: tf.Tensor4D, kT: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor4D;

/** softmax(q·kᵀ/√d_h)·v for q, v [B, H, L, d_h] and kᵀ [B, H, d_h, L]: one slice at a time when that is faster. */
export function attend(q: tf.Tensor4D, kT: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  const [b, h, length, dh] = q.shape;
  return sliced(b, h, length, dh) ? attendSliced(q, kT, v) : attendBatched(q, kT, v);
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
  const out = attend(tf.transpose(q, [0, 2, 1, 3]), tf.transpose(k, [0, 2, 3, 1]), tf.transpose(v, [0, 2, 1, 3])); // [B, H, L, d_h]
  const merged = tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [rows, d]) as tf.Tensor2D;
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
