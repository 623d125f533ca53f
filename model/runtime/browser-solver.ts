/**
 * `createSolver` for pages: the same solver as in Node, run in a module Web Worker by default so the
 * page keeps painting (a solve blocks the thread it runs on for half a second), or on the page's own
 * thread with `worker: false`. This module loads no TF.js itself: the worker does, and the
 * main-thread mode imports it on first use, so a page that embeds the components stays small.
 *
 *   const solver = await createSolver({ model: 'sudoku' });
 *   const { solution, verified } = await solver.solve(puzzle, { onStep: (s) => draw(s.solution) });
 */
import type { ShippedTask } from '../catalog.js';
import { ConfigError, DisposedError } from '../errors.js';
import type { CreateSolverOptions } from '../front-door.js';
import type { LoadedModel } from '../load.js';
import type { FitOptions } from '../arc-fit.js';
import type { ArcTaskInput } from '../arc-solver.js';
import type { FitResult, Solution, SolveOptions, Solver, Puzzle } from '../solver.js';
import type { TaskName } from '../tasks/codec.js';
import type { BrowserBackendOptions, ModelInfo } from './browser-backend.js';
import { fromWire, type FromWorker, type OpenedInfo, type ToWorker } from './browser-protocol.js';

export interface BrowserSolverOptions<T extends TaskName = TaskName> extends Omit<CreateSolverOptions<T>, 'backend' | 'fetch'>, BrowserBackendOptions {
  /** Run in a module Web Worker (default, when the page has Worker); `false`: on this thread. A loaded model runs on this thread. */
  worker?: boolean;
}

/** The Node solver's shape; `model` tells the config and metadata (the weights may live in the worker), with the rows `fit` added. */
export interface BrowserSolver<T extends TaskName = TaskName> extends Pick<Solver<T>, 'task' | 'maxTries' | 'solve' | 'solveBatch' | 'fit' | 'dispose'> {
  readonly model: ModelInfo;
  /** Where it runs: 'worker' or 'main'. */
  readonly thread: 'worker' | 'main';
  /** The TF.js backend it runs on. */
  readonly backend: string;
}

/** A message to the worker before its id is given. */
type Request = ToWorker extends infer M ? (M extends ToWorker ? Omit<M, 'id'> : never) : never;

const isLoaded = (m: unknown): m is LoadedModel => typeof m === 'object' && m !== null && !(m instanceof URL);

/** A page's solver for a shipped model's name, a package URL (absolute or relative to the page), or a loaded model. */
export async function createSolver<const M extends string | URL | LoadedModel, T extends TaskName = ShippedTask<M>>(
  options: BrowserSolverOptions<T> & { model: M },
): Promise<BrowserSolver<T>> {
  const { model, worker } = options ?? ({} as BrowserSolverOptions<T> & { model: M });
  if (model === undefined || model === null || (model as unknown) === '')
    throw new ConfigError('createSolver: `model` is required (a shipped model name, a package URL, or a loaded model)', ['model']);
  if (worker === true && isLoaded(model)) throw new ConfigError('createSolver: a loaded model cannot move to a worker; pass its URL, or worker: false', ['worker']);
  const inWorker = worker ?? (typeof Worker !== 'undefined' && !isLoaded(model));
  if (!inWorker) return (await import('./browser-main.js')).createMainThreadSolver(options);
  return workerSolver(options as BrowserSolverOptions<T> & { model: string | URL });
}

/** The page's base for relative package URLs (a worker resolves them against its own script otherwise). */
const absolute = (source: string | URL): string =>
  /^[\w-]+$/.test(String(source)) ? String(source) : new URL(source, globalThis.document?.baseURI ?? globalThis.location?.href).href;

async function workerSolver<T extends TaskName>(options: BrowserSolverOptions<T> & { model: string | URL }): Promise<BrowserSolver<T>> {
  const { model, task, backend, wasmPaths, threads, onProgress } = options;
  const worker = new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module', name: 'trm-edge solver' });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onStep?: SolveOptions['onStep']; onFit?: FitOptions['onProgress'] }>();
  let nextId = 0;
  let disposed = false;
  const fail = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
    const p = pending.get(data.id);
    if (!p) return;
    if (data.type === 'progress') onProgress?.(data.fraction);
    else if (data.type === 'step') p.onStep?.(data.step as never);
    else if (data.type === 'fit-progress') p.onFit?.(data.progress);
    else {
      pending.delete(data.id);
      if (data.type === 'error') p.reject(fromWire(data.error));
      else p.resolve(data.type === 'opened' ? data.info : data.value);
    }
  };
  // A worker script that fails to load or throws at the top level never answers: fail every call instead of hanging.
  worker.onerror = (e) => {
    e.preventDefault();
    fail(new Error(`trm-edge solver worker failed: ${e.message || 'its script did not load (is browser-worker.js beside the bundle?)'}`));
  };
  const call = <R>(message: Request, onStep?: SolveOptions['onStep'], onFit?: FitOptions['onProgress']) =>
    new Promise<R>((resolve, reject) => {
      if (disposed) return reject(new DisposedError('solver'));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onStep ? { onStep } : {}), ...(onFit ? { onFit } : {}) });
      worker.postMessage({ ...message, id } as ToWorker);
    });

  let info: OpenedInfo;
  try {
    info = await call<OpenedInfo>({
      type: 'open',
      request: { model: absolute(model), ...(task ? { task } : {}), ...(backend ? { backend } : {}), ...(wasmPaths ? { wasmPaths } : {}), ...(threads ? { threads } : {}) },
    });
  } catch (e) {
    worker.terminate();
    throw e;
  }
  onProgress?.(1);

  /** A call that `signal` aborts in the worker (between steps or updates). */
  const abortable = async <R>(signal: AbortSignal | undefined, run: () => Promise<R>): Promise<R> => {
    if (signal?.aborted) throw signal.reason ?? new DOMException('aborted', 'AbortError');
    const id = nextId;
    const abort = () => worker.postMessage({ type: 'abort', id } satisfies ToWorker);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await run();
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  };
  const solveBatch = async (puzzles: readonly Puzzle<T>[], solveOptions: SolveOptions<T> = {}): Promise<Solution<T>[]> => {
    const { onStep, signal, yieldEachStep: _, ...rest } = solveOptions;
    return abortable(signal, () => call<Solution<T>[]>({ type: 'solve', puzzles: [...puzzles], options: { ...rest, steps: Boolean(onStep) } }, onStep as SolveOptions['onStep']));
  };
  let current = info.model; // replaced by each fit's, which names the new rows
  const fit = async (task: ArcTaskInput, fitOptions: FitOptions = {}): Promise<FitResult> => {
    const { onProgress: onFit, signal, ...rest } = fitOptions;
    const { model: fitted, ...result } = await abortable(signal, () =>
      call<FitResult & { model: ModelInfo }>({ type: 'fit', task, options: { ...rest, progress: Boolean(onFit) } }, undefined, onFit),
    );
    current = fitted;
    return result;
  };
  return {
    task: info.task as T,
    maxTries: info.maxTries,
    get model() {
      return current;
    },
    thread: 'worker',
    backend: info.backend,
    solveBatch,
    solve: async (puzzle, o) => (await solveBatch([puzzle], o))[0]!,
    fit,
    dispose() {
      if (disposed) return;
      disposed = true;
      worker.terminate();
      fail(new DisposedError('solver'));
    },
  };
}
