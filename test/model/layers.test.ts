import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { attend, embeddingLookup, fastMatMul } from '../../model/layers.js';
import { initBackend, registerGradients } from '../../model/runtime/node-backend.js';
import { maxRelError } from '../../scripts/parity/run.js';

beforeAll(async () => {
  await initBackend('wasm');
  await registerGradients();
});

/** The same function on the pure-JS cpu backend, as the reference. */
async function onCpu<T>(fn: () => T): Promise<T> {
  await initBackend('cpu');
  try {
    return fn();
  } finally {
    await initBackend('wasm');
  }
}

const data = (t: tf.Tensor) => t.dataSync() as Float32Array;

describe('wasm-friendly ops match TF.js on the cpu backend', () => {
  // [B, H, L, d_h]: [2, 2, 52, 16] runs batched; the others one (example, head) slice at a time, with
  // the probabilities recomputed in the backward pass.
  it.each([
    [2, 2, 52, 16, 'batched'],
    [2, 3, 97, 64, 'sliced'],
    [1, 3, 400, 64, 'sliced'],
  ] as const)('attention softmax(q·kᵀ/√d_h)·v and its gradients, B %i, H %i, L %i, d_h %i (%s)', async (b, h, l, dh, path) => {
    const values = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
    const [qShape, kShape] = [
      [b, h, l, dh],
      [b, h, dh, l],
    ] as [number, number, number, number][];
    const size = b * h * l * dh;
    const q = values(size, (i) => Math.sin(i * 0.37));
    const kT = values(size, (i) => Math.cos(i * 0.11));
    const v = values(size, (i) => Math.sin(i * 0.05 + 1));
    const weight = values(size, (i) => Math.cos(i * 0.013));
    const run = (fn: (a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor4D) => tf.Tensor) =>
      tf.tidy(() => {
        const inputs = [tf.tensor4d(q, qShape!), tf.tensor4d(kT, kShape!), tf.tensor4d(v, qShape!)] as const;
        // a weighted sum, so every output element has its own upstream gradient
        const loss = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(fn(x as tf.Tensor4D, y as tf.Tensor4D, z as tf.Tensor4D), tf.tensor4d(weight, qShape!)));
        return [
          data(fn(...inputs)),
          ...tf
            .grads(loss)([...inputs])
            .map(data),
        ];
      });
    const ours = run(attend);
    // The sliced path stacks its per-slice outputs (a Pack kernel); the batched one has none.
    const { kernelNames } = await tf.profile(() => tf.tidy(() => attend(tf.zeros(qShape!), tf.zeros(kShape!), tf.zeros(qShape!)).dispose()));
    expect(kernelNames.includes('Pack')).toBe(path === 'sliced');
    const ref = await onCpu(() => run((x, y, z) => tf.matMul(tf.softmax(tf.mul(tf.matMul(x, y), 1 / Math.sqrt(dh))), z)));
    // The gradients get 3e-5: dq and dkᵀ come through softmax's gradient dP⊙P − rowsum(dP⊙P)⊙P, a
    // difference of near-equal terms, where TF.js's own autodiff on wasm is already 8.7e-6 from the cpu
    // backend at L 400 (and the sliced path, whose matMuls run in XNNPACK's order, 1.1e-5).
    ['value', 'dq', 'dkᵀ', 'dv'].forEach((name, i) => expect(maxRelError(ours[i]!, ref[i]!), name).toBeLessThan(i === 0 ? 1e-5 : 3e-5));
  });

  it('sliced attention leaves no tensor behind but its result, forward and backward', () => {
    const inputs = [tf.zeros([2, 2, 97, 64]), tf.zeros([2, 2, 64, 97]), tf.zeros([2, 2, 97, 64])] as tf.Tensor4D[];
    const before = tf.memory().numTensors;
    attend(inputs[0]!, inputs[1]!, inputs[2]!).dispose();
    tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(attend(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D)))(inputs));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(inputs);
  });

  it.each([
    [
      [6, 5],
      [5, 4],
    ],
    [
      [3, 400, 64],
      [3, 64, 400],
    ],
  ] as const)('the explicit-transpose matMul gradient equals TF.js’s (%j · %j)', async (sa, sb) => {
    const a = Float32Array.from({ length: [...sa].reduce((x: number, y: number) => x * y, 1) }, (_, i) => Math.sin(i * 0.3));
    const b = Float32Array.from({ length: [...sb].reduce((x: number, y: number) => x * y, 1) }, (_, i) => Math.cos(i * 0.7));
    const grads = (mm: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() =>
        tf
          .grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(mm(x, y))))([tf.tensor(a, [...sa]), tf.tensor(b, [...sb])])
          .map(data),
      );
    const ours = grads(fastMatMul);
    const ref = await onCpu(() => grads((x, y) => tf.matMul(x, y)));
    ours.forEach((g, i) => expect(maxRelError(g, ref[i]!)).toBeLessThan(1e-5));
  });

  it('the embedding lookup gradient (oneHot·dy, no UnsortedSegmentSum on wasm) equals the gather gradient', async () => {
    const table = Float32Array.from({ length: 11 * 8 }, (_, i) => Math.sin(i));
    const ids = [3, 1, 3, 0, 10, 3];
    const grad = (lookup: (t: tf.Tensor2D, i: tf.Tensor1D) => tf.Tensor) =>
      tf.tidy(() =>
        data(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, tf.tensor1d(ids, 'int32')), tf.range(0, 48).reshape([6, 8]))))(tf.tensor2d(table, [11, 8]))),
      );
    const ours = grad(embeddingLookup);
    const ref = await onCpu(() => grad((t, i) => tf.gather(t, i)));
    expect(maxRelError(ours, ref)).toBeLessThan(1e-6);
    expect(() => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d(ids, 'int32'))))(tf.tensor2d(table, [11, 8])))).toThrow(/UnsortedSegmentSum/);
  });
});
