/**
 * The messages between a page and the module worker that runs its solver (browser-worker.ts), and
 * errors across that boundary: a TrmError arrives as the same class, code, message and path.
 */
import { BackendError, CheckpointError, ConfigError, DisposedError, InvalidPuzzleError, TrmError, type ErrorCode, type ErrorPath } from '../errors.js';
import type { FitOptions, FitProgress } from '../arc-fit.js';
import type { SolveOptions, SolveStep } from '../solver.js';
import type { TaskName } from '../tasks/codec.js';
import type { BrowserBackendOptions, ModelInfo } from './browser-backend.js';

/** What the worker needs to open a solver: a shipped name or an absolute package URL. */
interface OpenRequest extends BrowserBackendOptions {
  model: string;
  task?: TaskName;
}

type WireSolveOptions = Omit<SolveOptions, 'onStep' | 'signal' | 'yieldEachStep'> & { steps: boolean };

export type ToWorker =
  | { type: 'open'; id: number; request: OpenRequest }
  | { type: 'solve'; id: number; puzzles: unknown[]; options: WireSolveOptions }
  | { type: 'fit'; id: number; task: unknown; options: Omit<FitOptions, 'onProgress' | 'signal'> & { progress: boolean } }
  | { type: 'abort'; id: number };

export interface OpenedInfo {
  task: TaskName;
  maxTries: number;
  model: ModelInfo;
  backend: string;
}

export type FromWorker =
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'opened'; id: number; info: OpenedInfo }
  | { type: 'step'; id: number; step: SolveStep }
  | { type: 'fit-progress'; id: number; progress: FitProgress }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: WireError };

export interface WireError {
  name: string;
  message: string;
  code?: ErrorCode;
  path?: ErrorPath;
}

export const toWire = (e: unknown): WireError =>
  e instanceof TrmError
    ? { name: e.name, message: e.message, code: e.code, path: [...e.path] }
    : { name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) };

const CLASSES: Partial<Record<ErrorCode, new (...args: never[]) => TrmError>> = {
  invalid_config: ConfigError,
  invalid_puzzle: InvalidPuzzleError,
  invalid_checkpoint: CheckpointError,
  backend_unavailable: BackendError,
  disposed: DisposedError,
};

/** The error as thrown in the worker: the same TrmError class (for `instanceof`), code, message and path. */
export function fromWire(w: WireError): Error {
  if (!w.code) return Object.assign(new Error(w.message), { name: w.name });
  const error = new TrmError(w.code, w.message, w.path ?? []);
  Object.setPrototypeOf(error, (CLASSES[w.code] ?? TrmError).prototype);
  error.name = w.name;
  return error;
}
