/**
 * `createSolver`: from a model (a shipped name, a package URL, or a model already loaded) to a
 * ready solver, the same shape in every runtime. The runtimes differ only in how a source string
 * becomes a model: this core reads URLs with `tf.io.http` (pages, workers); model/runtime/node.ts
 * adds files and official checkpoints, model/runtime/workerd.ts the precompiled wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MODELS, shippedModel, shippedModelUrl, type ShippedTask } from './catalog.js';
import { setBackend } from './backend.js';
import { ConfigError, TrmError } from './errors.js';
import type { LoadedModel } from './load.js';
import { loadPackage, type LoadedPackage } from './pack/read.js';
import { solverFor, type Solver } from './solver.js';
import { getTask, TASKS } from './tasks/index.js';
import type { TaskName } from './tasks/codec.js';

/** A shipped model's name ('sudoku', 'maze'), a package URL (its model.json or folder), or a loaded model. */
export type ModelSource = string | URL | LoadedModel;

export interface CreateSolverOptions<T extends TaskName = TaskName> {
  model: ModelSource;
  /** The task; by default the package's own, or the one a checkpoint's vocabulary and size imply. */
  task?: T;
  /** A registered TF.js backend to switch to ('wasm', 'webgl', 'cpu', …); by default the current one. */
  backend?: string;
  /** Loading progress, 0 to 1 (1 once the model is ready). */
  onProgress?: (fraction: number) => void;
  /** The fetch that reads a package over HTTP (headers, credentials, a Workers binding). */
  fetch?: typeof fetch;
}

/** How a runtime turns a source string into a model (loaded models pass through). */
export type ModelLoader = (source: string | URL, options: CreateSolverOptions) => Promise<LoadedModel>;

const isLoaded = (m: unknown): m is LoadedModel => typeof m === 'object' && m !== null && !(m instanceof URL) && 'config' in m && 'weights' in m;

/** The error for a bare name that is not a shipped model. */
export const unknownModel = (name: string, hint = ''): TrmError =>
  new TrmError('unknown_model', `unknown model ${JSON.stringify(name)}: not a shipped model (${MODELS.map((m) => m.id).join(', ')})${hint}`, ['model']);

/** A package's model.json URL from a URL, a folder URL, or a shipped model's name. */
function packageUrl(source: string | URL): string {
  const shipped = typeof source === 'string' ? shippedModel(source) : undefined;
  if (shipped) return new URL('model.json', shippedModelUrl(shipped)).href;
  const url = String(source);
  if (/^[\w-]+$/.test(url)) throw unknownModel(url, ' and not a URL');
  return url.endsWith('.json') ? url : `${url.replace(/\/$/, '')}/model.json`;
}

/** Reads a package over HTTP (this core's loader). */
export const loadPackageUrl: ModelLoader = (source, { onProgress, fetch }) =>
  loadPackage(tf.io.http(packageUrl(source), { ...(onProgress ? { onProgress } : {}), ...(fetch ? { fetchFunc: fetch } : {}) }), String(source));

/** The task a model's vocabulary and sequence length fit, when only one does. */
function impliedTask(model: LoadedModel): TaskName | undefined {
  const meta = (model as Partial<LoadedPackage>).metadata;
  if (meta) return meta.task;
  const fits = (Object.keys(TASKS) as TaskName[]).filter((t) => {
    const codec = getTask(t, model.config.seq_len);
    return codec.seqLen === model.config.seq_len && codec.vocabSize === model.config.vocab_size;
  });
  return fits.length === 1 ? fits[0] : undefined;
}

/** The front door shared by every runtime: load (unless loaded), settle the task, build the solver. */
export async function openSolver<T extends TaskName>(options: CreateSolverOptions<T>, load: ModelLoader): Promise<Solver<T>> {
  const { model: source, task } = options ?? ({} as CreateSolverOptions<T>);
  if (source === undefined || source === null || source === '')
    throw new ConfigError('createSolver: `model` is required (a shipped model name, a package path or URL, or a loaded model)', ['model']);
  if (task !== undefined && !(task in TASKS)) throw new ConfigError(`createSolver: unknown task ${JSON.stringify(task)} (one of ${Object.keys(TASKS).join(', ')})`, ['task']);
  const owned = !isLoaded(source);
  const model = owned ? await load(source, options as CreateSolverOptions) : source;
  try {
    const own = impliedTask(model);
    if (task && own && (model as Partial<LoadedPackage>).metadata && own !== task) throw new ConfigError(`createSolver: this model solves ${own}, not ${task}`, ['task']);
    const name = (task ?? own) as T | undefined;
    if (!name)
      throw new ConfigError(`createSolver: pass \`task\`: a model with vocab_size ${model.config.vocab_size} and seq_len ${model.config.seq_len} fits no single task`, ['task']);
    const solver = solverFor(model, name);
    options.onProgress?.(1);
    return solver;
  } catch (e) {
    if (owned) model.dispose();
    throw e;
  }
}

/**
 * A solver for a model, ready to `solve`. In this core (pages, workers), `model` is a shipped
 * model's name (read from beside this module), a package URL, or a loaded model.
 *
 *   const solver = await createSolver({ model: 'sudoku' });
 *   const { solution, verified } = await solver.solve('53..7....6..195...');
 */
export async function createSolver<const M extends ModelSource, T extends TaskName = ShippedTask<M>>(options: CreateSolverOptions<T> & { model: M }): Promise<Solver<T>> {
  await (options?.backend === undefined ? tf.ready() : setBackend(options.backend));
  return openSolver(options, loadPackageUrl);
}
