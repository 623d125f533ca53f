/**
 * trm-edge/core: the network and its recursion, for research code that works below `createSolver`
 * (tokens in, predictions out): build a TRM from a config and weights, run supervision steps,
 * test-time copies, the stablemax head, seeded randomness, compute costs, ARC voting.
 */
export { prefixLength, totalLength, swigluWidth, applicationsPerStep } from './config.js';
export { createTrm, type Trm, type Carry, type Heads } from './trm.js';
export { recurse, runSteps, sigmoid, type Batch, type HaltMode, type StepOptions, type StepOutput, type SampleStep, type SampleResult } from './inference.js';
export { recurseTries, SEARCH_HALTS, type SearchHalt, type TryOptions, type TrySample, type TryStep } from './tries.js';
export { solverFor } from './solver.js';
export { stablemax, logStablemax, stablemaxCrossEntropy } from './stablemax.js';
export { createRng, seedFor, type Rng, type RngState } from './rng.js';
export { countParameters, flopsPerApplication, flopsPerStep, flopsPerTrainStep } from './cost.js';
export { createArcVoter, type ArcVoter, type ArcVotingResult } from './arc-voting.js';
export { defaultBatchSize } from './evaluate.js';
export { weightTensors, namedWeights, type TrmWeights, type BlockWeights } from './weights.js';
