/**
 * A solver: one model plus one task codec. `solve` takes a puzzle in its natural form and returns
 * the decoded, verified answer with the halting step and confidence; `onStep` shows the model
 * "thinking" (each supervision step's decoded answer). ARC answers are votes over the model's
 * augmented versions of the task (model/arc-solver.ts). Never touches the TF.js backend choice:
 * the runtime front doors (model/front-door.ts and model/runtime/) do that and call `solverFor`.
 */
import type { FitOptions, FitProgress, FittedRows } from './arc-fit.js';
import { parseArcTaskInput, solveArc, type ArcAttempt, type ArcTaskInput } from './arc-solver.js';
import { ConfigError, DisposedError, TrmError } from './errors.js';
import { sigmoid } from './inference.js';
import type { LoadedModel } from './load.js';
import type { LoadedPackage } from './pack/read.js';
import { getTask, tokenChecker } from './tasks/index.js';
import { maxTries, recurseTries, type SearchHalt, type TrySample } from './tries.js';
import type { TaskName } from './tasks/codec.js';
import { createTrm, type Trm } from './trm.js';

/** What each task takes and answers, in its natural form. */
export interface TaskTypes {
  /** 81 characters ('.' or '0' blank) or 9 rows of 0-9 (null blank); answers are 81 digits. */
  sudoku: { puzzle: string | readonly (readonly (number | null)[])[]; answer: string };
  /** Rows of '#' wall, ' ' open, 'S' start, 'G' goal; the answer marks the path 'o'. */
  maze: { puzzle: string | readonly string[]; answer: string[] };
  /** A task the model was trained on; the answer is attempt_1 per test input. */
  arc: { puzzle: ArcTaskInput; answer: number[][][] };
}
export type Puzzle<T extends TaskName> = TaskTypes[T]['puzzle'];
export type Answer<T extends TaskName> = TaskTypes[T]['answer'];

export interface SolveOptions<T extends TaskName = TaskName> {
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
  /** Called after every supervision step with each still-running puzzle's current answer (not ARC: its answer is a vote at the end). */
  onStep?: (step: SolveStep<T>) => void;
  /** Abandons the solve before its next step: the result holds the last completed step (before the first, the solve rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Yield to the event loop after each step (streaming servers). */
  yieldEachStep?: boolean;
  /** Add each cell's confidence to the `onStep` answers of the puzzle as given (copy 0). */
  cellConfidence?: boolean;
}

export interface SolveStep<T extends TaskName = TaskName> {
  step: number;
  /** Index of the puzzle in the batch. */
  index: number;
  /** The copy whose answer this is (0: the puzzle as given; see `tries`). */
  copy: number;
  /** The decoded answer after this step. */
  solution: Answer<T>;
  confidence: number;
  /** This puzzle stops after this step. */
  stop: boolean;
  /** With `cellConfidence`, on copy 0: the probability of each answer token, in sequence (row-major grid) order. */
  cells?: number[];
}

/** What every task's solution has (exported so that code holding a `Solution` can name its type). */
export interface SolutionBase {
  /** The answer checked by the task's validator (Sudoku: valid and keeps the givens; Maze: optimal path; ARC: attempt_1 equals every given test output). */
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
  /** σ(q_halt): the model's belief that the whole answer is right (ARC: the least confident test input's). */
  confidence: number;
}

/** A solve's result; ARC adds both attempts per test input and the number of voting versions. */
export type Solution<T extends TaskName = TaskName> = T extends 'arc'
  ? SolutionBase & { solution: Answer<'arc'>; attempts: ArcAttempt[]; versions: number }
  : SolutionBase & { solution: Answer<T> };

/** What `fit` did: the task's new rows (one per version), the updates run and their time. */
export interface FitResult {
  task: string;
  versions: number;
  steps: number;
  last: FitProgress | null;
  /** init 'nearest': the known task the rows started from. */
  nearest?: { task: string; loss: number };
  seconds: number;
}

export interface Solver<T extends TaskName = TaskName> {
  readonly task: T;
  /** The loaded model (config, weights, and a package's metadata; with the rows of the tasks `fit` added). */
  readonly model: LoadedModel;
  /** The most `tries` this task takes: the puzzle plus each of its symmetries (1 where it has none). */
  readonly maxTries: number;
  solve(puzzle: Puzzle<T>, options?: SolveOptions<T>): Promise<Solution<T>>;
  /** One batched forward for many puzzles (faster per puzzle than separate solves). */
  solveBatch(puzzles: readonly Puzzle<T>[], options?: SolveOptions<T>): Promise<Solution<T>[]>;
  /**
   * ARC: teaches the model a task it was never trained on, from the task's demonstration pairs
   * (model/arc-fit.ts): afterwards `solve` answers that task id. Fitting the same id again replaces its rows.
   */
  fit(task: ArcTaskInput, options?: FitOptions): Promise<FitResult>;
  /** Frees the model's tensors; idempotent. Later calls throw DisposedError. */
  dispose(): void;
}

const networks = new WeakMap<Solver, () => Trm>();

/** The network behind a solver (for `evaluate`); throws once the solver is disposed. */
export const networkOf = (solver: Solver): Trm =>
  (
    networks.get(solver) ??
    (() => {
      throw new ConfigError('not a solver made by createSolver');
    })
  )();

/** A solver that owns `model` (disposing the solver frees the weights). */
export function solverFor<T extends TaskName>(model: LoadedModel, task: T): Solver<T> {
  const cfg = model.config;
  const codec = getTask(task, cfg.seq_len);
  if (codec.seqLen !== cfg.seq_len || codec.vocabSize !== cfg.vocab_size) {
    throw new ConfigError(`model (seq_len ${cfg.seq_len}, vocab_size ${cfg.vocab_size}) does not fit task ${task} (seq_len ${codec.seqLen}, vocab_size ${codec.vocabSize})`, [
      'task',
    ]);
  }
  // The task's answer checker, for halt 'verified' and tries: fixed per solver (the symmetries are the codec's).
  const check = tokenChecker(task, cfg.seq_len);
  let trm: Trm | null = createTrm(cfg, model.weights);
  // ARC rows added by `fit`, by task id, and the model with them appended (`model` itself when none).
  const fitted = new Map<string, FittedRows>();
  let current: LoadedModel = model;
  const live = () =>
    trm ??
    (() => {
      throw new DisposedError('solver');
    })();

  async function solveGrids(puzzles: readonly unknown[], options: SolveOptions = {}): Promise<Solution[]> {
    const net = live();
    const parsed = puzzles.map((p) => codec.parse(p));
    const tokens = new Int32Array(parsed.length * cfg.seq_len);
    parsed.forEach((p, i) => tokens.set(codec.encode(p), i * cfg.seq_len));
    const identifiers = new Int32Array(parsed.length); // row 0: the single puzzle row of Sudoku and Maze models
    const { onStep, maxSteps, halt, tries, seed, signal, yieldEachStep, cellConfidence } = options;
    const V = cfg.vocab_size;
    const last: { sample: TrySample; steps: number }[] = [];
    for await (const out of recurseTries(
      net,
      { tokens, identifiers },
      {
        maxSteps,
        halt,
        tries,
        seed,
        signal,
        yieldEachStep,
        check,
        symmetries: codec.symmetries,
        probabilities: Boolean(onStep && cellConfidence),
      },
    )) {
      for (const s of out.samples) {
        last[s.index] = { sample: s, steps: out.step };
        if (onStep) {
          const solution = codec.format(codec.decode(s.predictions, parsed[s.index])) as Answer<'sudoku'>;
          const probs = s.probabilities;
          const cells = probs && Array.from(s.predictions, (token, i) => probs[i * V + token]!);
          onStep({ step: out.step, index: s.index, copy: s.copy, solution, confidence: sigmoid(s.qHalt), stop: s.stop, ...(cells ? { cells } : {}) });
        }
      }
    }
    // Aborted before any step: there is no answer to return.
    if (last.length < parsed.length && signal?.aborted) throw signal.reason ?? new DOMException('the solve was aborted before its first step', 'AbortError');
    return last.map(({ sample: r, steps }) => {
      const decoded = codec.decode(r.predictions, parsed[r.index]);
      const solution = codec.format(decoded) as Answer<'sudoku'>;
      return { solution, verified: codec.verify(parsed[r.index], decoded), steps, halted: r.halted, copy: r.copy, work: r.work, qHalt: r.qHalt, confidence: sigmoid(r.qHalt) };
    });
  }

  async function solveArcTasks(puzzles: readonly unknown[], options: SolveOptions = {}): Promise<Solution<'arc'>[]> {
    const { halt, tries = 1, onStep, maxSteps, signal, yieldEachStep } = options;
    // ARC's test-time copies are the model's own augmented puzzle rows, voted on: no checker, no symmetry copies, no step answers.
    if (halt === 'verified') throw new ConfigError("arc: halt 'verified' needs an answer checker, and ARC has none; use 'never' or 'q'", ['halt']);
    if (tries !== 1) throw new ConfigError("arc: tries must be 1 (the votes over the augmented versions the model knows are ARC's copies)", ['tries']);
    if (onStep) throw new ConfigError('arc: onStep is not available (an ARC answer is a vote over every version at the end)', ['onStep']);
    const tasks = puzzles.map(parseArcTaskInput);
    const out: Solution<'arc'>[] = [];
    for (const t of tasks) {
      const a = await solveArc(live(), current, t, { maxSteps, halt, signal, yieldEachStep });
      const confidence = Math.min(...a.attempts.map((x) => x.confidence));
      const qHalt = Math.log(confidence / Math.max(1 - confidence, 1e-12));
      out.push({
        solution: a.attempts.map((x) => x.attempt_1),
        attempts: a.attempts,
        versions: a.versions,
        verified: a.verified,
        steps: a.steps,
        halted: a.halted,
        copy: 0,
        work: a.steps,
        qHalt,
        confidence,
      });
    }
    return out;
  }

  async function fit(input: ArcTaskInput, options?: FitOptions): Promise<FitResult> {
    live();
    if (task !== 'arc') throw new ConfigError(`fit: only ARC models learn new tasks at test time (this solver's task is ${task})`, ['task']);
    const known = (model as Partial<LoadedPackage>).metadata?.arc?.identifiers;
    if (!known) throw new TrmError('no_identifiers', 'fit: this model records no ARC identifiers (a package exported with its task names), so fitted rows could not be named');
    const id = parseArcTaskInput(input).id;
    const others = [...fitted.values()].filter((f) => f.task !== id);
    // Loaded on the first fit (a page's solver stays small). On the trained rows only: the known names and the 'mean' start do not depend on earlier fits.
    const { fitArcRows, withFittedRows } = await import('./arc-fit.js');
    const frozen = createTrm(cfg, model.weights);
    let rows: FittedRows;
    try {
      rows = await fitArcRows(frozen, known, input, options);
    } finally {
      frozen.dispose();
    }
    if (!trm) throw new DisposedError('solver');
    fitted.set(id, rows);
    const next = withFittedRows(model, [...others, rows]);
    trm.dispose();
    if (current !== model) current.dispose();
    current = next;
    trm = createTrm(current.config, current.weights);
    return { task: id, versions: rows.names.length, steps: rows.steps, last: rows.last, ...(rows.nearest && { nearest: rows.nearest }), seconds: rows.seconds };
  }

  const solveBatch = (task === 'arc' ? solveArcTasks : solveGrids) as Solver<T>['solveBatch'];
  const solver: Solver<T> = {
    task,
    get model() {
      return current;
    },
    maxTries: maxTries(codec.symmetries),
    solveBatch,
    solve: async (puzzle, options) => (await solveBatch([puzzle], options))[0]!,
    fit,
    dispose() {
      if (!trm) return;
      trm.dispose();
      if (current !== model) current.dispose();
      model.dispose();
      trm = null;
    },
  };
  networks.set(solver as Solver, live);
  return solver;
}
