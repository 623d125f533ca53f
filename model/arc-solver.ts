/**
 * Solving an ARC task the way the official evaluation does (spec §7): the model only knows the
 * tasks it has puzzle rows for (original + augmented versions, by name); each test input is run
 * once per row, under that row's augmentation (colours, then geometry), and the un-augmented
 * predictions vote. Unknown tasks are refused (an unseen identifier scores 0 %) with how to fit them
 * (model/arc-fit.ts). The Solver calls this for task 'arc'.
 */
import { createArcVoter } from './arc-voting.js';
import type { ArcTask } from './data/arc-dataset.js';
import { InvalidPuzzleError, TrmError } from './errors.js';
import { runSteps, type StepOptions } from './inference.js';
import type { LoadedModel } from './load.js';
import type { LoadedPackage } from './pack/read.js';
import { applyArcAugmentation, canvasSide, encodeArcGrid, parseArcGrid, parseArcName } from './tasks/arc.js';
import type { Trm } from './trm.js';

/** An ARC task to answer: its id (the model must know it), the demonstrations, and the test inputs. */
export interface ArcTaskInput {
  id: string;
  train?: ArcTask['train'];
  test: ArcTask['test'];
}

/** One test input's answer: the two top-voted grids (the official submission's attempt_1, attempt_2). */
export interface ArcAttempt {
  attempt_1: number[][];
  attempt_2: number[][];
  /** Augmented versions that voted for attempt_1. */
  votes: number;
  /** Mean σ(q_halt) of attempt_1's voters. */
  confidence: number;
}

export interface ArcAnswer {
  attempts: ArcAttempt[];
  /** attempt_1 of every test input equals its given output (false when outputs are not given). */
  verified: boolean;
  /** Augmented versions that voted on each test input. */
  versions: number;
  steps: number;
  /** Every run halted (q_halt > 0 in 'q' mode, or halt_max_steps reached). */
  halted: boolean;
}

/** Puzzle rows of `task` in a package (the original's and every augmentation's). */
export function arcRows(model: LoadedModel, task: string): number[] {
  const names = (model as Partial<LoadedPackage>).metadata?.arc?.identifiers;
  if (!names) throw new TrmError('no_identifiers', 'this model records no ARC identifiers (import it with --identifiers)');
  const rows = names.flatMap((name, i) => (i > 0 && parseArcName(name).task === task ? [i] : []));
  if (!rows.length)
    throw new TrmError(
      'unknown_task',
      `the model has no puzzle rows for ARC task ${JSON.stringify(task)} (it was trained on ${new Set(names.slice(1).map((n) => parseArcName(n).task)).size} tasks; an unseen task id scores 0 %). ` +
        'Fit the task first from its demonstration pairs: solver.fit(task) in Node or a page, or npm run solve -- --fit <steps>; the edge API does not fit (it would exceed the Workers CPU budget)',
      ['puzzle', 'id'],
    );
  return rows;
}

/** Checks an ARC task's shape before any work: an id, and grids that are ARC grids. */
export function parseArcTaskInput(input: unknown): ArcTaskInput {
  const o = input as Partial<ArcTaskInput> | null;
  if (!o || typeof o !== 'object' || typeof o.id !== 'string') throw new InvalidPuzzleError('arc: a puzzle is {id, train?, test} with the task id as a string', ['id']);
  if (!Array.isArray(o.test) || !o.test.length) throw new InvalidPuzzleError('arc: test must be a non-empty array of {input, output?}', ['test']);
  if (o.train !== undefined && !Array.isArray(o.train)) throw new InvalidPuzzleError('arc: train must be an array of {input, output}', ['train']);
  (o.train ?? []).forEach((pair, i) => {
    parseArcGrid(pair?.input, ['puzzle', 'train', i, 'input']);
    parseArcGrid(pair?.output, ['puzzle', 'train', i, 'output']);
  });
  o.test.forEach((pair, i) => {
    parseArcGrid(pair?.input, ['puzzle', 'test', i, 'input']);
    if (pair.output !== undefined) parseArcGrid(pair.output, ['puzzle', 'test', i, 'output']);
  });
  return o as ArcTaskInput;
}

export async function solveArc(
  trm: Trm,
  model: LoadedModel,
  puzzle: ArcTaskInput,
  options: Pick<StepOptions, 'maxSteps' | 'halt' | 'signal' | 'yieldEachStep'> = {},
): Promise<ArcAnswer> {
  const rows = arcRows(model, puzzle.id);
  const names = (model as LoadedPackage).metadata.arc!.identifiers;
  const task: ArcTask = { train: puzzle.train ?? [], test: puzzle.test };
  const S = model.config.seq_len;
  const side = canvasSide(S);
  const tokens = new Int32Array(task.test.length * rows.length * S);
  const identifiers = new Int32Array(task.test.length * rows.length);
  let at = 0;
  for (const [i, pair] of task.test.entries()) {
    const input = parseArcGrid(pair.input, ['puzzle', 'test', i, 'input'], side);
    for (const row of rows) {
      tokens.set(encodeArcGrid(applyArcAugmentation(input, parseArcName(names[row]!).augmentation), 0, 0, side), at * S);
      identifiers[at++] = row;
    }
  }
  const results = await runSteps(trm, { tokens, identifiers }, options);
  const voter = createArcVoter(names, { [puzzle.id]: task });
  results.forEach((r, i) => voter.record(identifiers[i]!, tokens.subarray(i * S, (i + 1) * S), r.predictions, r.qHalt));
  const attempts = voter.result([1]).submission[puzzle.id]!;
  const verified = task.test.every((pair, i) => !!pair.output && JSON.stringify(pair.output) === JSON.stringify(attempts[i]?.attempt_1));
  return { attempts, verified, versions: rows.length, steps: Math.max(...results.map((r) => r.steps)), halted: results.every((r) => r.halted) };
}
