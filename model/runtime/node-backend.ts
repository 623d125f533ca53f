/**
 * TF.js backend set-up in Node: the native bindings when installed, else wasm (SIMD), else cpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { setBackend } from '../backend.js';
import { BackendError } from '../errors.js';

export type BackendName = 'wasm' | 'cpu';

/**
 * The best backend this machine has: TF.js's native bindings when the user installed them
 * (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`: optional, not dependencies, and
 * untested here because their installers download libtensorflow), else wasm (SIMD), else cpu.
 * Returns the backend name in use.
 */
export async function initBestBackend(): Promise<string> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(/* @vite-ignore */ pkg as string);
      if (await tf.setBackend('tensorflow')) return 'tensorflow';
    } catch {
      // not installed, or its native library failed to load: try the next one
    }
  }
  for (const name of ['wasm', 'cpu'] as const) {
    try {
      await initBackend(name);
      return name;
    } catch {
      // try the next one
    }
  }
  throw new BackendError('no TF.js backend could be initialised (tried tensorflow, wasm, cpu)');
}

/**
 * Selects and initialises a backend: 'wasm' (XNNPACK, SIMD, single thread: the fast path) or
 * 'cpu' (pure JS; a slow reference). Call once before creating tensors.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (tf.getBackend() === name) return;
  // The emscripten glue adds process listeners that rethrow any uncaught error (printing
  // minified glue source, and killing tslab kernels): remove the ones it adds.
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as ((...a: unknown[]) => void)[];
  const before = events.map((e) => new Set(listeners(e)));
  try {
    await setBackend(name);
  } finally {
    events.forEach((e, i) => {
      for (const l of listeners(e)) if (!before[i]!.has(l)) process.removeListener(e, l);
    });
  }
}

/**
 * Registers TF.js's gradient functions, which training needs. tfjs-core's own registration module
 * is ESM that Node cannot load (directory imports), so the Node bundle of @tensorflow/tfjs, which
 * registers them in the shared global registry, is imported for that side effect.
 */
export async function registerGradients(): Promise<void> {
  await import('@tensorflow/tfjs');
}
