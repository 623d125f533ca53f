/**
 * Evaluation as the official code scores it (spec §5.4): a sequence is exactly right when every
 * labelled cell's argmax equals its label after the last step (Sudoku: all 81 cells, givens
 * included; Maze: all 900). Also token accuracy, accuracy after each supervision step, and the
 * mean halting step, and with `verify` how many answers are valid by the task's own rule. Batches
 * run through `recurseTries`, so `halt: 'q'` or 'verified' stops samples early and `tries` runs
 * copies under the task's symmetries (the labels are read only to score the answer chosen).
 */
import type { Example } from './data/source.js';
import { networkOf, type Solver } from './solver.js';
import { taskSymmetries, tokenChecker } from './tasks/index.js';
import type { SymmetryGroup } from './tasks/codec.js';
import { recurseTries, type SearchHalt } from './tries.js';
import type { Trm } from './trm.js';

/**
 * Puzzles per forward pass by default: 32, or fewer when one forward's activations (B·L·D values per
 * tensor) would crowd the 4 GB wasm heap. The official Maze-Att (L 916, D 512) ran out of it at batch
 * 32 and peaks at 1.5 GB at 8, which this allows; the default models get 32.
 */
export function defaultBatchSize(trm: Trm): number {
  return Math.max(1, Math.min(32, Math.floor(4e6 / (trm.length * trm.config.hidden_size))));
}

export interface EvaluateOptions {
  /** Default: `defaultBatchSize(trm)`. */
  batchSize?: number;
  maxSteps?: number;
  halt?: SearchHalt;
  /** Copies per example under `symmetries` (default 1; see model/tries.ts). */
  tries?: number;
  symmetries?: SymmetryGroup;
  /** Seed of the copies' symmetries (default 0). */
  seed?: number;
  /** Called after each batch with examples done so far. */
  onProgress?: (done: number, total: number) => void;
  /** The task's checker of a final answer (`tokenChecker`): adds `validAccuracy`; halt 'verified' and tries use it. */
  verify?: (puzzle: Int32Array, answer: Int32Array) => boolean;
  /** Called with each example's final prediction (e.g. for ARC voting). */
  onPrediction?: (example: Example, predictions: Int32Array, qHalt: number) => void;
}

export interface EvaluationResult {
  count: number;
  /** Fraction of sequences entirely right after their last step. */
  exactAccuracy: number;
  /** Mean over sequences of the fraction of labelled cells right. */
  tokenAccuracy: number;
  /** Exact accuracy if every sequence stopped after step k (index k−1); halted ones keep their answer. */
  exactByStep: number[];
  /** Mean supervision steps run. */
  meanSteps: number;
  /** Mean supervision steps over all copies of an example: its compute (`meanSteps` with one try). */
  meanWork: number;
  /** Mean σ(q_halt) at the last step, and how often (q_halt ≥ 0) agreed with being right. */
  meanConfidence: number;
  qHaltAccuracy: number;
  /** With `verify`: fraction of final answers the task accepts (Maze: any shortest path, not only the label's). */
  validAccuracy?: number;
  /** One character per example, in order: '1' when it is exactly right after its last step, else '0'. Lets two
   * models be compared puzzle by puzzle (a paired test) instead of by totals. */
  solved: string;
  seconds: number;
}

function score(pred: Int32Array, labels: Int32Array): { right: number; labelled: number } {
  let right = 0;
  let labelled = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === -100) continue;
    labelled++;
    if (pred[i] === labels[i]) right++;
  }
  return { right, labelled };
}

/**
 * Scores a model on tokenised examples (trm-edge/data reads and generates them). Given a Solver,
 * its task's checker and symmetries are the defaults of `verify` and `symmetries`.
 */
export async function evaluate(model: Trm | Solver, examples: readonly Example[], options: EvaluateOptions = {}): Promise<EvaluationResult> {
  if ('solve' in model) {
    const { task } = model;
    const { seq_len } = model.model.config;
    return evaluate(networkOf(model), examples, { verify: tokenChecker(task, seq_len), symmetries: taskSymmetries(task, seq_len), ...options });
  }
  const trm = model;
  const started = performance.now();
  const batchSize = options.batchSize ?? defaultBatchSize(trm);
  const maxSteps = options.maxSteps ?? trm.config.halt_max_steps;
  const exactByStep = new Array<number>(maxSteps).fill(0);
  let exact = 0,
    token = 0,
    steps = 0,
    work = 0,
    confidence = 0,
    qRight = 0,
    valid = 0,
    solved = '';
  const S = trm.config.seq_len;
  const { halt, tries, symmetries, seed, verify } = options;

  for (let from = 0; from < examples.length; from += batchSize) {
    const batch = examples.slice(from, from + batchSize);
    const tokens = new Int32Array(batch.length * S);
    batch.forEach((e, i) => tokens.set(e.tokens, i * S));
    const current: { correct: boolean; right: number; labelled: number; q: number; steps: number; work: number; predictions: Int32Array }[] = [];
    let lastStep = 0;
    for await (const out of recurseTries(trm, { tokens, identifiers: Int32Array.from(batch, (e) => e.id) }, { maxSteps, halt, tries, symmetries, seed, check: verify })) {
      for (const s of out.samples) {
        const { right, labelled } = score(s.predictions, batch[s.index]!.labels);
        current[s.index] = { correct: right === labelled, right, labelled, q: s.qHalt, steps: out.step, work: s.work, predictions: s.predictions };
      }
      exactByStep[out.step - 1]! += current.filter((c) => c.correct).length;
      lastStep = out.step;
    }
    // `current` keeps each stopped sample's last answer, so every column counts every sample;
    // columns past the batch's last step repeat its final answers.
    for (let k = lastStep; k < maxSteps; k++) exactByStep[k]! += current.filter((c) => c.correct).length;
    current.forEach((c, i) => {
      options.onPrediction?.(batch[i]!, c.predictions, c.q);
      exact += c.correct ? 1 : 0;
      solved += c.correct ? '1' : '0';
      valid += verify?.(batch[i]!.tokens, c.predictions) ? 1 : 0;
      token += c.labelled ? c.right / c.labelled : 1;
      steps += c.steps;
      work += c.work;
      confidence += 1 / (1 + Math.exp(-c.q));
      qRight += c.q >= 0 === c.correct ? 1 : 0;
    });
    options.onProgress?.(Math.min(from + batchSize, examples.length), examples.length);
    await new Promise((resolve) => setTimeout(resolve, 0)); // lets the host's timers run: scheduled progress output, a page's UI
  }
  const n = Math.max(examples.length, 1);
  return {
    count: examples.length,
    exactAccuracy: exact / n,
    tokenAccuracy: token / n,
    exactByStep: exactByStep.map((v) => v / n),
    meanSteps: steps / n,
    meanWork: work / n,
    meanConfidence: confidence / n,
    qHaltAccuracy: qRight / n,
    ...(verify ? { validAccuracy: valid / n } : {}),
    solved,
    seconds: (performance.now() - started) / 1000,
  };
}
