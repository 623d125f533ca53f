/**
 * One interface for every task, so nothing outside model/tasks/ asks "which task is this?".
 * Data flows: natural puzzle → parse → encode → tokens → model → tokens → decode → verify/format.
 * Codecs are pure TypeScript over typed arrays (no tensors), so they can be property-tested alone.
 */
import type { Rng } from '../rng.js';

export type TaskName = 'sudoku' | 'maze' | 'arc';

/**
 * A symmetry of a task acting on tokens: it maps each puzzle to a puzzle and that puzzle's answers
 * to the new puzzle's answers, so a model can be asked the same question in another form.
 */
export interface TokenSymmetry {
  apply(tokens: Int32Array): Int32Array;
  /** The exact inverse of `apply`. */
  invert(tokens: Int32Array): Int32Array;
}

/** The symmetries a task offers for test-time copies of a puzzle. */
export interface SymmetryGroup {
  /** How many distinct non-identity symmetries there are (Infinity: too many to exhaust). */
  readonly size: number;
  /** The symmetry of copy k (1 ≤ k ≤ size; copy 0 is the puzzle as given), drawn from `rng` where the group is large. */
  draw(k: number, rng: Rng): TokenSymmetry;
}

export interface TaskCodec<P, S = P> {
  readonly name: TaskName;
  /** Vocabulary the official builder uses (PAD 0 included). */
  readonly vocabSize: number;
  /** Cells per puzzle: the model's seq_len. */
  readonly seqLen: number;
  /** Validates a puzzle in its natural form (string, rows, JSON); throws InvalidPuzzleError with a path. */
  parse(input: unknown): P;
  /** Tokens exactly as the official dataset builder writes them. */
  encode(puzzle: P): Int32Array;
  /** Model output tokens → a solution (tokens that make no sense decode to a visibly invalid cell). */
  decode(tokens: Int32Array, puzzle: P): S;
  /** True when the solution is a correct answer to the puzzle (see each task for what that means). */
  verify(puzzle: P, solution: S): boolean;
  /** The solution in the task's natural form (what `parse` accepts for puzzles). */
  format(solution: S): unknown;
  /** Its symmetries on tokens, for test-time copies of a puzzle (`tries`); absent where it has none. */
  readonly symmetries?: SymmetryGroup;
}
