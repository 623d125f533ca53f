/**
 * A solver: one model plus one task codec. `solve` takes a puzzle in its natural form and returns
 * the decoded, verified answer with the halting step and confidence; `onStep` shows the model
 * "thinking" (each supervision step's decoded answer). Never touches the TF.js backend choice.
 */
import { ConfigError, DisposedError } from './errors.js';
import { sigmoid } from './inference.js';
import type { LoadedModel } from './load.js';
import { getTask, tokenChecker } from './tasks/index.js';
import { maxTries, recurseTries, type SearchHalt, type TrySample } from './tries.js';
import type { TaskName } from './tasks/codec.js';
import { createTrm, type Trm } from './trm.js';

export interface SolveOptions {
  /** Supervision steps at most; default config.halt_max_steps (16 for the official models). */
  maxSteps?: number;
  /**
   * 'never' (default): run every step, as the official evaluation; 'q': stop once q_halt > 0;
   * 'verified': stop once the answer passes the task's check (Sudoku, Maze).
   */
  halt?: SearchHalt;
  /**
   * Copies of each puzzle to run, the first as given and the rest under the task's symmetries
   * (Sudoku, Maze; default 1). The first verified copy's answer is returned: see model/tries.ts.
   */
  tries?: number;
  /** Seed of the copies' symmetries (default 0). */
  seed?: number;
  /** Puzzle identifier per puzzle (ARC); default 0, the single row of Sudoku and Maze models. */
  identifiers?: number[];
  /** Called after every supervision step with each still-running puzzle's current answer. */
  onStep?: (step: SolveStep) => void;
  /** Abandons the solve before its next step (the result then holds the last completed step). */
  signal?: AbortSignal;
  /** Yield to the event loop after each step (streaming servers). */
  yieldEachStep?: boolean;
}

export interface SolveStep {
  step: number;
  /** Index of the puzzle in the batch. */
  index: number;
  /** The copy whose answer this is (0: the puzzle as given; see `tries`). */
  copy: number;
  /** The decoded answer after this step, in the task's natural form. */
  solution: unknown;
  confidence: number;
  /** This puzzle stops after this step. */
  stop: boolean;
}

export interface Solution {
  /** The answer in the task's natural form (Sudoku: 81-char string; Maze: rows; ARC: grid). */
  solution: unknown;
  /** The answer checked by the task's validator (Sudoku: valid and keeps the givens; Maze: optimal path). */
  verified: boolean;
  /** Supervision steps run. */
  steps: number;
  /** The halting rule fired (q_halt > 0 in 'q' mode, a verified answer in 'verified' mode, or halt_max_steps reached). */
  halted: boolean;
  /** The copy that gave the answer: 0 is the puzzle as given (see `tries`). */
  copy: number;
  /** Supervision steps run over all copies (the compute spent; `steps` when tries is 1). */
  work: number;
  qHalt: number;
  /** σ(q_halt): the model's belief that the whole answer is right. */
  confidence: number;
}

export interface Solver {
  readonly task: TaskName;
  readonly model: LoadedModel;
  /** The most `tries` this task takes: the puzzle plus each of its symmetries (1 where it has none). */
  readonly maxTries: number;
  solve(puzzle: unknown, options?: SolveOptions): Promise<Solution>;
  /** One batched forward for many puzzles (faster per puzzle than separate solves). */
  solveBatch(puzzles: readonly unknown[], options?: SolveOptions): Promise<Solution[]>;
  /** Frees the model's tensors; idempotent. Later calls throw DisposedError. */
  dispose(): void;
}

/** Creates a solver that owns `model` (disposing the solver frees the weights). */
export function createSolver({ model, task }: { model: LoadedModel; task: TaskName }): Solver {
  const cfg = model.config;
  const codec = getTask(task, cfg.seq_len);
  if (codec.seqLen !== cfg.seq_len || codec.vocabSize !== cfg.vocab_size) {
    throw new ConfigError(`model (seq_len ${cfg.seq_len}, vocab_size ${cfg.vocab_size}) does not fit task ${task} (seq_len ${codec.seqLen}, vocab_size ${codec.vocabSize})`);
  }
  // The task's answer checker, for halt 'verified' and tries: fixed per solver (the symmetries are the codec's).
  const check = tokenChecker(task, cfg.seq_len);
  let trm: Trm | null = createTrm(cfg, model.weights);

  async function solveBatch(puzzles: readonly unknown[], options: SolveOptions = {}): Promise<Solution[]> {
    if (!trm) throw new DisposedError('solver');
    const parsed = puzzles.map((p) => codec.parse(p));
    const tokens = new Int32Array(parsed.length * cfg.seq_len);
    parsed.forEach((p, i) => tokens.set(codec.encode(p), i * cfg.seq_len));
    if (options.identifiers && options.identifiers.length !== parsed.length) {
      throw new ConfigError(`identifiers has ${options.identifiers.length} entries for ${parsed.length} puzzles`, ['identifiers']);
    }
    const identifiers = Int32Array.from(options.identifiers ?? parsed.map(() => 0));
    const { onStep } = options;
    const last: { sample: TrySample; steps: number }[] = [];
    const { maxSteps, halt, tries, seed, signal, yieldEachStep } = options;
    for await (const out of recurseTries(trm, { tokens, identifiers }, { maxSteps, halt, tries, seed, signal, yieldEachStep, check, symmetries: codec.symmetries })) {
      for (const s of out.samples) {
        last[s.index] = { sample: s, steps: out.step };
        if (onStep) {
          const solution = codec.format(codec.decode(s.predictions, parsed[s.index]));
          onStep({ step: out.step, index: s.index, copy: s.copy, solution, confidence: sigmoid(s.qHalt), stop: s.stop });
        }
      }
    }
    return last.map(({ sample: r, steps }) => {
      const decoded = codec.decode(r.predictions, parsed[r.index]);
      return {
        solution: codec.format(decoded),
        verified: codec.verify(parsed[r.index], decoded),
        steps,
        halted: r.halted,
        copy: r.copy,
        work: r.work,
        qHalt: r.qHalt,
        confidence: sigmoid(r.qHalt),
      };
    });
  }

  return {
    task,
    model,
    maxTries: maxTries(codec.symmetries),
    solveBatch,
    solve: async (puzzle, options) => (await solveBatch([puzzle], options))[0]!,
    dispose() {
      if (!trm) return;
      trm.dispose();
      model.dispose();
      trm = null;
    },
  };
}
