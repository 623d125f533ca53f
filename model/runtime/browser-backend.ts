/**
 * The page-side backend: TF.js's wasm backend with its .wasm files fetched from beside this module
 * (or `wasmPaths`), set before any op since tfjs ignores later calls. tfjs-backend-wasm picks the
 * binary itself: threaded SIMD on cross-origin-isolated pages, SIMD, or plain wasm. Another
 * registered backend ('webgl', 'webgpu', 'cpu': import its package first) is taken when named;
 * on machines without a GPU they are 25–160× slower than wasm (shared docs: browser-notes.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { setBackend } from '../backend.js';
import { BackendError } from '../errors.js';
import type { TrmConfig } from '../config.js';
import type { LoadedModel } from '../load.js';
import type { PackageMetadata } from '../pack/format.js';

export interface BrowserBackendOptions {
  /** A registered TF.js backend (default 'wasm'). */
  backend?: string;
  /** Folder URL of tfjs-backend-wasm's .wasm files (default: beside this module, as `npm run build:web` lays them out). */
  wasmPaths?: string;
  /** wasm threads on cross-origin-isolated pages (tfjs caps them at half the cores; 1 was as fast on 2 cores). */
  threads?: number;
}

/** What a solver tells about its model without its weights (they may live in a worker). */
export interface ModelInfo {
  config: TrmConfig;
  metadata?: PackageMetadata;
}

/** A solver's model as ModelInfo (with the rows and names `fit` added, once it has fitted). */
export function modelInfo(model: LoadedModel): ModelInfo {
  const { config, metadata } = model as LoadedModel & { metadata?: PackageMetadata };
  return { config, ...(metadata ? { metadata } : {}) };
}

let started: Promise<string> | null = null;

/** TF.js's gradients, which `fit` needs: a chunk of their own, loaded on the first fit (a solve never needs them). */
export async function registerBrowserGradients(): Promise<void> {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
}

/** Starts the backend once per page or worker; returns its name. */
export function initBrowserBackend({ backend = 'wasm', wasmPaths, threads }: BrowserBackendOptions = {}): Promise<string> {
  started ??= (async () => {
    const folder = wasmPaths ?? new URL('./', import.meta.url).href;
    if (backend === 'wasm') {
      setWasmPaths(folder);
      if (threads !== undefined) setThreadsCount(threads);
    }
    try {
      await setBackend(backend);
    } catch (e) {
      if (backend !== 'wasm') throw e;
      // Behind a bundler the .wasm files are rarely where this module ends up: say where they were looked for.
      throw new BackendError(`${(e as Error).message} (the .wasm files were looked for in ${folder}; copy them there from @tensorflow/tfjs-backend-wasm/dist, or pass wasmPaths)`);
    }
    return tf.getBackend();
  })().catch((e) => {
    started = null;
    throw e;
  });
  return started;
}
