/**
 * Test-time tries, beyond the official evaluation: each puzzle runs as `tries` copies in one batch,
 * the first as given and the others under the task's symmetries (a shuffled Sudoku, a rotated maze).
 * Each copy's answer is mapped back and put to the task's checker, which reads only the puzzle, never
 * a label (Sudoku: a full grid that keeps the givens and breaks no rule). The puzzle's answer is the
 * first accepted copy's, else copy 0's; with halt 'verified' an accepted answer also stops all the
 * puzzle's copies at once, so easy puzzles cost a few steps and hard ones get every copy's steps.
 * Copies fail on different puzzles, which is why this helps: see the Sudoku model card.
 *
 * With one try and halt 'never' or 'q' this is `recurse`, step for step.
 */
import { TrmError } from './errors.js';
import { checkBatch, recurse, type Batch, type HaltMode, type SampleStep, type StepOptions, type StepOutput } from './inference.js';
import { createRng, seedFor } from './rng.js';
import type { SymmetryGroup, TokenSymmetry } from './tasks/codec.js';
import type { Trm } from './trm.js';

/** `recurse`'s halting modes, plus 'verified': stop a puzzle once an answer passes the task's checker. */
export type SearchHalt = HaltMode | 'verified';
export const SEARCH_HALTS: readonly SearchHalt[] = ['never', 'q', 'verified'];

export interface TryOptions extends Omit<StepOptions, 'halt' | 'stopWhere'> {
  /** Default 'never' (the official evaluation). */
  halt?: SearchHalt;
  /** Copies per puzzle, default 1; at most 1 + the task's symmetries (a 30×30 maze: 8). */
  tries?: number;
  /**
   * Seed of the drawn symmetries (default 0). A puzzle's copies are drawn from this seed and the
   * puzzle's tokens, so the same seed gives a puzzle the same copies in any batch, order or data set.
   */
  seed?: number;
  /** The task's checker of an answer (`tokenChecker`); needed by halt 'verified' and by tries > 1. */
  check?: (puzzle: Int32Array, answer: Int32Array) => boolean;
  /** The task's symmetries (`taskSymmetries`); needed by tries > 1. */
  symmetries?: SymmetryGroup;
}

export interface TrySample extends SampleStep {
  /** The copy that gave this answer: 0 is the puzzle as given. */
  copy: number;
  /** The checker accepted the answer (asked only with halt 'verified' or tries > 1; false otherwise). */
  verified: boolean;
  /** Supervision steps run so far by all of the puzzle's copies: the compute spent on it. */
  work: number;
}

export interface TryStep {
  step: number;
  /** One entry per puzzle still running at this step (`index` is the puzzle's place in the batch). */
  samples: TrySample[];
}

/** The most copies a puzzle can run as: itself plus each of the task's symmetries. */
export const maxTries = (symmetries?: SymmetryGroup): number => 1 + (symmetries?.size ?? 0);

function checkTryOptions(o: TryOptions): { halt: SearchHalt; tries: number } {
  const { halt = 'never', tries = 1 } = o;
  if (!SEARCH_HALTS.includes(halt)) throw new TrmError('invalid_options', `halt must be one of ${SEARCH_HALTS.join(', ')}, got ${JSON.stringify(halt)}`, ['halt']);
  if (!Number.isInteger(tries) || tries < 1) throw new TrmError('invalid_options', `tries must be a positive integer, got ${tries}`, ['tries']);
  if ((halt === 'verified' || tries > 1) && !o.check)
    throw new TrmError('invalid_options', `${halt === 'verified' ? "halt 'verified'" : 'tries > 1'} needs a task with an answer checker`, [halt === 'verified' ? 'halt' : 'tries']);
  if (tries > 1 && !o.symmetries) throw new TrmError('invalid_options', 'tries > 1 needs a task with symmetries (Sudoku, Maze)', ['tries']);
  if (tries > maxTries(o.symmetries))
    throw new TrmError('invalid_options', `tries is ${tries}, but this task has only ${o.symmetries!.size} symmetries besides the puzzle as given`, ['tries']);
  return { halt, tries };
}

/** Yields, after each supervision step, each running puzzle's current answer (mapped back to the puzzle as given). */
export async function* recurseTries(trm: Trm, batch: Batch, options: TryOptions = {}): AsyncGenerator<TryStep> {
  const B = checkBatch(trm, batch);
  const { halt, tries } = checkTryOptions(options);
  const S = trm.config.seq_len;
  const puzzle = (p: number) => batch.tokens.subarray(p * S, (p + 1) * S);
  // The plain modes need no checker: keep them as cheap as `recurse`.
  const check = halt === 'verified' || tries > 1 ? options.check : undefined;

  // Copy k of puzzle p is row p·tries + k.
  const symmetry: (TokenSymmetry | null)[] = [];
  const tokens = new Int32Array(B * tries * S);
  for (let p = 0; p < B; p++) {
    const rng = tries > 1 ? createRng(seedFor(options.seed ?? 0, puzzle(p))) : undefined;
    for (let k = 0; k < tries; k++) {
      const s = k === 0 ? null : options.symmetries!.draw(k, rng!);
      symmetry.push(s);
      tokens.set(s ? s.apply(puzzle(p)) : puzzle(p), (p * tries + k) * S);
    }
  }
  const identifiers = Int32Array.from({ length: B * tries }, (_, row) => batch.identifiers[Math.floor(row / tries)]!);

  // Each puzzle's copies as last seen, and the steps they have run.
  const last = Array.from({ length: B }, () => new Array<TrySample>(tries));
  const work = new Int32Array(B);
  let current: TrySample[] = [];
  // Runs inside `recurse` before it yields, so the rows of finished puzzles drop out of this very step.
  const stopWhere = ({ samples }: StepOutput): ReadonlySet<number> => {
    const touched = new Set<number>();
    for (const s of samples) {
      const [p, k] = [Math.floor(s.index / tries), s.index % tries];
      const predictions = symmetry[s.index]?.invert(s.predictions) ?? s.predictions;
      // A copy's probabilities stay in its own (permuted) cell order, so only the puzzle as given keeps them.
      const probabilities = symmetry[s.index] ? undefined : s.probabilities;
      last[p]![k] = { ...s, index: p, predictions, probabilities, copy: k, verified: check?.(puzzle(p), predictions) ?? false, work: 0 };
      work[p]!++;
      touched.add(p);
    }
    const stop = new Set<number>();
    current = [...touched].map((p) => {
      const copies = last[p]!;
      const best = copies.find((c) => c.verified) ?? copies[0]!;
      const byCheck = halt === 'verified' && best.verified;
      const done = byCheck || copies.every((c) => c.stop);
      if (done) for (let k = 0; k < tries; k++) stop.add(p * tries + k);
      return { ...best, stop: done, halted: byCheck || best.halted, work: work[p]! };
    });
    return stop;
  };
  const { maxSteps, signal, yieldEachStep, probabilities } = options;
  for await (const out of recurse(trm, { tokens, identifiers }, { maxSteps, signal, yieldEachStep, probabilities, halt: halt === 'q' ? 'q' : 'never', stopWhere })) {
    yield { step: out.step, samples: current };
  }
}
