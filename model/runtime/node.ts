/**
 * trm-edge for Node (`trm-edge/node`, and `trm-edge` under Node): the root API, with a
 * `createSolver` that also reads models from disk and picks the best backend.
 *
 *   import { createSolver } from 'trm-edge';
 *   const solver = await createSolver({ model: 'sudoku' });
 *   const { solution, verified } = await solver.solve('53..7....6..195...');
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { shippedModel, shippedModelUrl, type ShippedTask } from '../catalog.js';
import { loadPackageUrl, openSolver, unknownModel, type CreateSolverOptions, type ModelLoader, type ModelSource } from '../front-door.js';
import { BackendError } from '../errors.js';
import { loadPackage } from '../pack/read.js';
import type { Solver } from '../solver.js';
import type { TaskName } from '../tasks/codec.js';
import { initBackend, initBestBackend, registerGradients, type BackendName } from './node-backend.js';
import { loadModelFromPath, packageDirHandler } from './node-files.js';

export * from '../index.js';
export { initBackend, registerGradients, type BackendName } from './node-backend.js';
export { workerReplicas } from './node-replicas.js';

export interface NodeSolverOptions<T extends TaskName = TaskName> extends Omit<CreateSolverOptions<T>, 'backend'> {
  /**
   * 'auto' (default): the current backend if one was set, else TF.js's native bindings when
   * installed (tfjs-node-gpu, tfjs-node), else wasm (SIMD), else cpu. Or one of them by name.
   */
  backend?: 'auto' | 'tensorflow' | BackendName;
  /** A JSON/YAML config (or an official run's all_config.yaml) for an official checkpoint. */
  config?: string;
}

const isUrl = (s: string) => /^(https?|file):\/\//.test(s);

const loadNode: ModelLoader = async (source, options) => {
  const shipped = typeof source === 'string' ? shippedModel(source) : undefined;
  if (shipped) return loadPackage(packageDirHandler(fileURLToPath(shippedModelUrl(shipped))), shipped.id);
  const text = String(source);
  if (text.startsWith('http://') || text.startsWith('https://')) return loadPackageUrl(source, options);
  const path = isUrl(text) ? fileURLToPath(text) : text;
  if (!existsSync(path) && /^[\w-]+$/.test(path)) throw unknownModel(path, ', and no file or folder of that name');
  const { task, config } = options as NodeSolverOptions;
  return loadModelFromPath(path, { ...(task ? { task } : {}), ...(config ? { configPath: config } : {}) });
};

/**
 * A solver for a model, ready to `solve`. `model`: a shipped model's name ('sudoku', 'maze'), a
 * package folder or `.trm` file, an official checkpoint (`step_N`, `.safetensors`, a run folder),
 * a package URL, or a model already loaded.
 */
export async function createSolver<const M extends ModelSource, T extends TaskName = ShippedTask<M>>(options: NodeSolverOptions<T> & { model: M }): Promise<Solver<T>> {
  const backend = options?.backend ?? 'auto';
  if (backend === 'tensorflow') {
    if ((await initBestBackend()) !== 'tensorflow') throw new BackendError("backend 'tensorflow' needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed");
  } else if (backend !== 'auto') await initBackend(backend);
  else if (!tf.engine().backendName) await initBestBackend();
  const solver = await openSolver(options, loadNode);
  // Fitting trains: TF.js's gradients are registered on first use (a solve never needs them).
  const fitRows = solver.fit;
  return Object.assign(solver, { fit: async (...args: Parameters<typeof fitRows>) => (await registerGradients(), fitRows(...args)) });
}
