/**
 * ARC evaluation by augmentation voting (official evaluators/arc.py, spec §7). Each test-split row
 * (an augmented version of a test input) contributes its cropped, un-augmented prediction with
 * q = σ(q_halt); per test input, distinct predictions are ranked by votes, then mean q. pass@K =
 * the true output is among the top K; a task scores its fraction of test inputs; ARC/pass@K is the
 * mean over tasks. Votes are per evaluation (the official default pools across checkpoints).
 */
import { cropArcCanvas, invertArcAugmentation, parseArcGrid, parseArcName, toRows, type ArcGrid } from './tasks/index.js';
import type { ArcTask } from './data/arc-dataset.js';

const gridKey = (g: ArcGrid) => `${g.rows}x${g.cols}:${g.cells.join(',')}`;

export interface ArcVotingResult {
  /** pass@K for each K, as fractions. */
  passAt: Record<number, number>;
  /** The official submission format: per task, per test input, the top two attempts. */
  submission: Record<string, { attempt_1: number[][]; attempt_2: number[][]; votes: number; confidence: number }[]>;
  /** Test inputs that received no prediction at all (they count as wrong). */
  missing: number;
}

export interface ArcVoter {
  /** One prediction: the row's identifier, its input canvas, the predicted canvas and its q_halt logit. */
  record(identifier: number, input: Int32Array, prediction: Int32Array, qHalt: number): void;
  result(passKs?: readonly number[]): ArcVotingResult;
}

export function createArcVoter(identifiers: readonly string[], testPuzzles: Record<string, ArcTask>): ArcVoter {
  // task → input key → prediction key → { votes, q sum, grid, first seen }
  const votes = new Map<string, Map<string, Map<string, { votes: number; q: number; grid: ArcGrid; order: number }>>>();
  let seen = 0;
  return {
    record(identifier, input, prediction, qHalt) {
      if (identifier === 0) return; // padding rows carry the blank identifier
      const name = identifiers[identifier];
      if (name === undefined) throw new RangeError(`identifier ${identifier} is not in identifiers.json (${identifiers.length} entries)`);
      const { task, augmentation } = parseArcName(name);
      const inputKey = gridKey(invertArcAugmentation(cropArcCanvas(input), augmentation));
      const grid = invertArcAugmentation(cropArcCanvas(prediction), augmentation);
      const byInput = votes.get(task) ?? votes.set(task, new Map()).get(task)!;
      const byPred = byInput.get(inputKey) ?? byInput.set(inputKey, new Map()).get(inputKey)!;
      const entry = byPred.get(gridKey(grid)) ?? byPred.set(gridKey(grid), { votes: 0, q: 0, grid, order: seen++ }).get(gridKey(grid))!;
      entry.votes += 1;
      entry.q += 1 / (1 + Math.exp(-qHalt));
    },
    result(passKs = [1, 2, 5, 10, 100, 1000]) {
      const correct = new Map(passKs.map((k) => [k, 0]));
      const submission: ArcVotingResult['submission'] = {};
      let missing = 0;
      const tasks = Object.entries(testPuzzles);
      for (const [task, puzzle] of tasks) {
        submission[task] = [];
        const taskCorrect = new Map(passKs.map((k) => [k, 0]));
        for (const pair of puzzle.test) {
          const ranked = [
            ...(votes
              .get(task)
              ?.get(gridKey(parseArcGrid(pair.input)))
              ?.values() ?? []),
          ].sort((a, b) => b.votes - a.votes || b.q / b.votes - a.q / a.votes || a.order - b.order);
          if (!ranked.length) {
            missing++;
            continue;
          }
          if (pair.output) {
            const label = gridKey(parseArcGrid(pair.output));
            for (const k of passKs) if (ranked.slice(0, k).some((r) => gridKey(r.grid) === label)) taskCorrect.set(k, taskCorrect.get(k)! + 1);
          }
          const [first, second] = [ranked[0]!, ranked[1] ?? ranked[0]!];
          submission[task].push({ attempt_1: toRows(first.grid), attempt_2: toRows(second.grid), votes: first.votes, confidence: first.q / first.votes });
        }
        for (const k of passKs) correct.set(k, correct.get(k)! + taskCorrect.get(k)! / puzzle.test.length);
      }
      return { passAt: Object.fromEntries(passKs.map((k) => [k, correct.get(k)! / Math.max(tasks.length, 1)])), submission, missing };
    },
  };
}
