import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul, embeddingLookup, fastMatMul } from '../../model/layers.js';
import { initBackend, registerGradients } from '../../model/runtime/node.js';
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
  it.each([[2, 97, 64, 97], [2, 400, 64, 400]])('batched matMul [%i, %i, %i]·[…, %i] (naive loop or XNNPACK slices)', async (g, n, k, m) => {
    const a = Float32Array.from({ length: g * n * k }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: g * k * m }, (_, i) => Math.cos(i));
    const ours = tf.tidy(() => data(batchedMatMul(tf.tensor3d(a, [g, n, k]), tf.tensor3d(b, [g, k, m]))));
    const ref = await onCpu(() => tf.tidy(() => data(tf.matMul(tf.tensor3d(a, [g, n, k]), tf.tensor3d(b, [g, k, m])))));
    expect(maxRelError(ours, ref)).toBeLessThan(1e-5);
  });

  it.each([[[6, 5], [5, 4]], [[3, 400, 64], [3, 64, 400]]] as const)('the explicit-transpose matMul gradient equals TF.js’s (%j · %j)', async (sa, sb) => {
    const a = Float32Array.from({ length: [...sa].reduce((x: number, y: number) => x * y, 1) }, (_, i) => Math.sin(i * 0.3));
    const b = Float32Array.from({ length: [...sb].reduce((x: number, y: number) => x * y, 1) }, (_, i) => Math.cos(i * 0.7));
    const grads = (mm: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(mm(x, y))))([tf.tensor(a, [...sa]), tf.tensor(b, [...sb])]).map(data));
    const ours = grads(fastMatMul);
    const ref = await onCpu(() => grads((x, y) => tf.matMul(x, y)));
    ours.forEach((g, i) => expect(maxRelError(g, ref[i]!)).toBeLessThan(1e-5));
  });

  it('the embedding lookup gradient (oneHot·dy, no UnsortedSegmentSum on wasm) equals the gather gradient', async () => {
    const table = Float32Array.from({ length: 11 * 8 }, (_, i) => Math.sin(i));
    const ids = [3, 1, 3, 0, 10, 3];
    const grad = (lookup: (t: tf.Tensor2D, i: tf.Tensor1D) => tf.Tensor) =>
      tf.tidy(() => data(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, tf.tensor1d(ids, 'int32')), tf.range(0, 48).reshape([6, 8]))))(tf.tensor2d(table, [11, 8]))));
    const ours = grad(embeddingLookup);
    const ref = await onCpu(() => grad((t, i) => tf.gather(t, i)));
    expect(maxRelError(ours, ref)).toBeLessThan(1e-6);
    expect(() => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d(ids, 'int32'))))(tf.tensor2d(table, [11, 8])))).toThrow(/UnsortedSegmentSum/);
  });
});
