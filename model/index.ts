/**
 * trm-edge: the Tiny Recursive Model on TensorFlow.js, in Node, Cloudflare Workers and the browser.
 * This is the root API, the same in every runtime (model/runtime/ adds each one's `createSolver`);
 * the rest lives under subpaths: trm-edge/tasks, /core, /checkpoint, /pack, /data, /train.
 *
 *   const solver = await createSolver({ model: 'sudoku' });
 *   const { solution, verified, steps, confidence } = await solver.solve('53..7....6..195...');
 *   solver.dispose();
 */
export { createSolver, type CreateSolverOptions, type ModelSource } from './front-door.js';
export type { Solver, Solution, SolutionBase, SolveOptions, SolveStep, Puzzle, Answer, TaskTypes, FitResult } from './solver.js';
export type { FitInit, FitOptions, FitProgress } from './arc-fit.js';
export type { ArcTaskInput, ArcAttempt } from './arc-solver.js';
export type { LoadedModel } from './load.js';
export { MODELS, type ModelName, type ShippedModel } from './catalog.js';
export { TASKS, type TaskName, type TaskCodec } from './tasks/index.js';
export { TrmError, ConfigError, InvalidPuzzleError, CheckpointError, BackendError, DisposedError, type ErrorCode } from './errors.js';
export { evaluate, type EvaluateOptions, type EvaluationResult } from './evaluate.js';
export { PRESETS, validateConfig, type PresetName, type TrmConfig } from './config.js';
