/**
 * trm-edge core: the Tiny Recursive Model on TensorFlow.js, isomorphic (Node, workerd, browser).
 * The caller initialises a TF.js backend first (model/runtime/: Node and workerd; in a browser,
 * setWasmPaths + tf.setBackend('wasm')).
 *
 *   const model = await loadPackage(tf.io.http("/models/sudoku/model.json"));   // or loadCheckpoint(bytesSource(bytes), { task: "sudoku" })
 *   const solver = createSolver({ model, task: 'sudoku' });
 *   const { solution, verified, steps, confidence } = await solver.solve('53..7....6..195...');
 *   solver.dispose();
 */
export { validateConfig, prefixLength, totalLength, swigluWidth, applicationsPerStep, PRESETS, type TrmConfig, type PresetName } from './config.js';
export { createTrm, type Trm, type Carry, type Heads } from './trm.js';
export { recurse, runSteps, sigmoid, type Batch, type HaltMode, type StepOptions, type StepOutput, type SampleStep, type SampleResult } from './inference.js';
export { recurseTries, SEARCH_HALTS, type SearchHalt, type TryOptions, type TrySample, type TryStep } from './tries.js';
export { createSolver, type Solver, type Solution, type SolveOptions, type SolveStep } from './solver.js';
export { loadCheckpoint, taskHints, type LoadedModel, type LoadCheckpointOptions } from './load.js';
export { inferConfig, loadOfficialWeights, officialShapes, officialKey, weightTensors, type TrmWeights, type BlockWeights } from './weights.js';
export { readCheckpoint, bytesSource, type ByteSource, type Checkpoint, type CheckpointFormat, type TensorEntry, type DType } from './checkpoint/index.js';
export { stablemax, logStablemax, stablemaxCrossEntropy } from './stablemax.js';
export { createRng, seedFor, type Rng, type RngState } from './rng.js';
export * from './errors.js';
export * from './tasks/index.js';
export { defaultBatchSize, evaluate, type EvaluationResult, type EvaluateOptions } from './evaluate.js';
export { loadPackage, type LoadedPackage } from './pack/read.js';
export { packModel, type PackInput, type PackedModel } from './pack/write.js';
export { containerHandler, packContainer } from './pack/container.js';
export { QUANTIZATIONS, FORMAT_VERSION, type Quantization, type PackageMetadata } from './pack/format.js';
export { solveArc, arcRows, type ArcAnswer } from './arc-solver.js';
export { createArcVoter, type ArcVoter, type ArcVotingResult } from './arc-voting.js';
export { countParameters, flopsPerApplication, flopsPerStep, flopsPerTrainStep } from './cost.js';
