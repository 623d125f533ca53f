/**
 * The workerd edge: initialises TF.js's SIMD wasm backend inside Cloudflare Workers, where wasm
 * cannot be compiled from bytes ("Wasm code generation disallowed by embedder"). The SIMD binary
 * is imported as a precompiled WebAssembly.Module and handed to emscripten through the one hook
 * tfjs-backend-wasm 4.22 exposes (setWasmPaths with platform fetch): for a sentinel URL only, the
 * platform fetch answers a sentinel buffer and WebAssembly.instantiate instantiates the module.
 * Both patches are undone after init. From compat date 2026-08-15 workerd defines
 * process.versions.node, which sends emscripten down its Node path ("__dirname is not defined"),
 * so it is hidden during init. (shared docs: edge-notes.md §3)
 *
 * This is `trm-edge` under workerd (and `trm-edge/workerd`): the root API, with a `createSolver`
 * that takes the SIMD binary and reads packages over HTTP (a static-assets binding's fetch):
 *
 *   import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
 *   const solver = await createSolver({ model: 'https://assets.local/sudoku/', wasm: simd, fetch: env.ASSETS.fetch.bind(env.ASSETS) });
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { ShippedTask } from '../catalog.js';
import { BackendError } from '../errors.js';
import { loadPackageUrl, openSolver, type CreateSolverOptions, type ModelSource } from '../front-door.js';
import type { Solver } from '../solver.js';
import type { TaskName } from '../tasks/codec.js';

export * from '../index.js';

export interface WorkerdSolverOptions<T extends TaskName = TaskName> extends Omit<CreateSolverOptions<T>, 'backend'> {
  /** tfjs-backend-wasm's SIMD binary, imported as a precompiled module (workerd cannot compile wasm bytes). */
  wasm: WebAssembly.Module;
}

/** A solver for a package URL (or a loaded model), on the SIMD wasm backend. */
export async function createSolver<const M extends ModelSource, T extends TaskName = ShippedTask<M>>(options: WorkerdSolverOptions<T> & { model: M }): Promise<Solver<T>> {
  await initWorkerdBackend(options.wasm);
  return openSolver(options, loadPackageUrl);
}

const SENTINEL_URL = 'workerd-precompiled:tfjs-backend-wasm-simd.wasm';
const SENTINEL = new ArrayBuffer(8);
let ready: Promise<void> | null = null;

/** Initialises the single-threaded SIMD wasm backend once per isolate; concurrent callers share the promise. */
export function initWorkerdBackend(simdModule: WebAssembly.Module): Promise<void> {
  ready ??= init(simdModule).catch((e) => {
    ready = null;
    throw new BackendError(`TF.js wasm backend failed to initialise in workerd: ${(e as Error).message}`);
  });
  return ready;
}

async function init(simdModule: WebAssembly.Module): Promise<void> {
  const env = tf.env();
  env.set('WASM_HAS_SIMD_SUPPORT', true);
  env.set('WASM_HAS_MULTITHREAD_SUPPORT', false); // one core per isolate, no SharedArrayBuffer over MessagePort
  setWasmPaths({ 'tfjs-backend-wasm.wasm': SENTINEL_URL, 'tfjs-backend-wasm-simd.wasm': SENTINEL_URL, 'tfjs-backend-wasm-threaded-simd.wasm': SENTINEL_URL }, true);

  const platform = env.platform as unknown as { fetch: (path: string, init?: RequestInit) => Promise<unknown> };
  const originalFetch = platform.fetch;
  platform.fetch = (path, init) => (path === SENTINEL_URL ? Promise.resolve({ ok: true, arrayBuffer: async () => SENTINEL }) : originalFetch.call(platform, path, init));
  const wasm = WebAssembly as unknown as { instantiate: (...args: unknown[]) => Promise<unknown> };
  const originalInstantiate = wasm.instantiate;
  wasm.instantiate = (source: unknown, imports?: unknown) =>
    source === SENTINEL
      ? (originalInstantiate.call(WebAssembly, simdModule, imports) as Promise<WebAssembly.Instance>).then((instance) => ({ instance, module: simdModule }))
      : originalInstantiate.call(WebAssembly, source, imports);
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions;
  const nodeVersion = versions?.node;
  if (versions && nodeVersion !== undefined) versions.node = undefined;
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    await tf.ready();
  } finally {
    if (versions && nodeVersion !== undefined) versions.node = nodeVersion;
    wasm.instantiate = originalInstantiate;
    platform.fetch = originalFetch;
  }
}
