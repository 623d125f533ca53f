/**
 * Solving an ARC task with a model package the way the official evaluation does (spec §7): the
 * model only knows the tasks it has puzzle rows for (original + augmented versions, by name); each
 * test input is run once per row, under that row's augmentation (colours, then geometry), and the
 * un-augmented predictions vote. Unknown tasks are refused: an unseen identifier scores 0 %.
 */
import { createArcVoter } from './arc-voting.js';
import type { ArcTask } from './data/arc-dataset.js';
import { TrmError } from './errors.js';
import { runSteps, type HaltMode } from './inference.js';
import type { LoadedPackage } from './pack/read.js';
import { applyArcAugmentation, encodeArcGrid, parseArcGrid, parseArcName } from './tasks/arc.js';
import { createTrm } from './trm.js';

export interface ArcAnswer {
  /** Per test input: the two top-voted grids (the official submission's attempt_1, attempt_2). */
  attempts: { attempt_1: number[][]; attempt_2: number[][]; votes: number; confidence: number }[];
  /** attempt_1 of every test input equals its given output (false when outputs are not given). */
  verified: boolean;
  /** Augmented versions that voted on each test input. */
  versions: number;
  steps: number;
}

/** Puzzle rows of `task` in a package (the original's and every augmentation's). */
export function arcRows(pkg: LoadedPackage, task: string): number[] {
  const names = pkg.metadata.arc?.identifiers;
  if (!names) throw new TrmError('no_identifiers', 'this package records no ARC identifiers (import it with --identifiers)');
  const rows = names.flatMap((name, i) => (i > 0 && parseArcName(name).task === task ? [i] : []));
  if (!rows.length) throw new TrmError('unknown_task', `the model has no puzzle rows for ARC task ${JSON.stringify(task)} (it was trained on ${new Set(names.slice(1).map((n) => parseArcName(n).task)).size} tasks; an unseen task id scores 0 %)`, ['puzzle', 'id']);
  return rows;
}

export async function solveArc(pkg: LoadedPackage, id: string, task: ArcTask, options: { maxSteps?: number; halt?: HaltMode } = {}): Promise<ArcAnswer> {
  if (pkg.config.seq_len !== 900 || pkg.config.vocab_size !== 12) throw new TrmError('invalid_model', `an ARC model needs seq_len 900 and vocab_size 12, this one has ${pkg.config.seq_len} and ${pkg.config.vocab_size}`);
  const rows = arcRows(pkg, id);
  const names = pkg.metadata.arc!.identifiers;
  const inputs = task.test.map((pair, i) => parseArcGrid(pair.input, ['puzzle', 'test', i, 'input']));
  task.test.forEach((pair, i) => pair.output && parseArcGrid(pair.output, ['puzzle', 'test', i, 'output']));

  const tokens = new Int32Array(inputs.length * rows.length * 900);
  const identifiers = new Int32Array(inputs.length * rows.length);
  let at = 0;
  for (const input of inputs) {
    for (const row of rows) {
      tokens.set(encodeArcGrid(applyArcAugmentation(input, parseArcName(names[row]!).augmentation)), at * 900);
      identifiers[at++] = row;
    }
  }
  const trm = createTrm(pkg.config, pkg.weights);
  try {
    const results = await runSteps(trm, { tokens, identifiers }, { maxSteps: options.maxSteps, halt: options.halt });
    const voter = createArcVoter(names, { [id]: task });
    results.forEach((r, i) => voter.record(identifiers[i]!, tokens.subarray(i * 900, (i + 1) * 900), r.predictions, r.qHalt));
    const attempts = voter.result([1]).submission[id]!;
    const verified = task.test.every((pair, i) => !!pair.output && JSON.stringify(pair.output) === JSON.stringify(attempts[i]?.attempt_1));
    return { attempts, verified, versions: rows.length, steps: Math.max(...results.map((r) => r.steps)) };
  } finally {
    trm.dispose();
  }
}
