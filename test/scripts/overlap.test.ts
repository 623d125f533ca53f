import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../model/core.js';
import { dihedral, type DihedralId } from '../../model/tasks/index.js';
import { generateMaze } from '../../model/data/maze-generator.js';
import { equivalenceFor } from '../../scripts/lib/equivalence.js';
import { cli } from '../helpers/cli.js';
import { DATA } from '../helpers/paths.js';

const overlap = (...args: string[]) => cli('overlap', ...args);
const EXTREME = join(DATA, 'sudoku/sudoku-extreme-train-sample-1k');

/** A run folder as npm run train leaves it: 3 steps of batch 4, generated puzzles then (from step 3) a puzzle folder. */
async function runDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trm-overlap-'));
  const spec = {
    version: 1,
    task: 'sudoku',
    data: 'sudoku-gen:40-45',
    training: { global_batch_size: 4, seed: 7 },
    created: '',
    model: { vocab_size: 11, seq_len: 81, num_puzzle_identifiers: 1 },
    phases: [{ step: 2, data: `sudoku:${EXTREME}`, seed: 9 }],
    init: { from: 'model/weights/sudoku', provenance: 'an earlier run' },
  };
  await writeFile(join(dir, 'run.json'), JSON.stringify(spec));
  await writeFile(join(dir, 'metrics.jsonl'), `${[1, 2, 3].map((step) => JSON.stringify({ type: 'train', step, time: '' })).join('\n')}\n`);
  return dir;
}

describe('npm run overlap', () => {
  it('finds the evaluation puzzles a run drew (a batch per step from its seed), holds in a puzzle folder, or holds shuffled, and exits 3', async () => {
    const dir = await runDir();
    const { code, out } = await overlap(
      '--run',
      dir,
      '--data',
      'sudoku-gen:40-45:seed=7:count=20',
      '--data',
      'sudoku-gen:40-45:seed=8:count=20',
      '--data',
      `sudoku:${EXTREME}:from=5:count=3`,
      '--data',
      `sudoku:${join(DATA, 'sudoku/tdoku-17-clue')}:from=4630:count=20`,
    );
    expect(out).toMatch(/steps 1-2 on sudoku-gen:40-45 \(seed 7\), 8 examples drawn/);
    expect(out).toMatch(/steps 3-3 on sudoku:.*sudoku-extreme-train-sample-1k \(seed 9\), 4 examples drawn/);
    expect(out).toMatch(/started from model\/weights\/sudoku \(an earlier run\): not replayed here/);
    // The same generator seed gives the same stream: the run's 8 draws are the set's first 8 puzzles.
    expect(out).toMatch(/generated Sudoku \(40-45 givens, seed 7, 20\)\s+20\s+8\s+0 {2}\(same #0, #1, #2, #3, #4, #5, #6, #7\)/);
    expect(out).toMatch(/generated Sudoku \(40-45 givens, seed 8, 20\)\s+20\s+0\s+0\n/);
    expect(out).toMatch(/sudoku-extreme-train-sample-1k #5-7 \(3 of 1000\)\s+3\s+3\s+0 {2}\(same #0, #1, #2\)/);
    // Sudoku-Extreme #18 is a shuffled copy of 17-clue #4639, #9 of this set; no other of the 20 is.
    expect(out).toMatch(/tdoku-17-clue #4630-4649 \(20 of 49158\)\s+20\s+0\s+1 {2}\(equivalent #9\)/);
    expect(code).toBe(3);
  });

  it('exits 0 when no evaluation puzzle was trained on, and 2 on a folder that is not a run', async () => {
    const dir = await runDir();
    const clean = await overlap('--run', dir, '--data', 'sudoku-gen:40-45:seed=8:count=20');
    expect(clean.code).toBe(0);
    const bad = await overlap('--run', join(dir, 'nope'), '--data', 'sudoku-gen:40-45:seed=8:count=20');
    expect(bad.err).toMatch(/nope: no run\.json: not a training run folder/);
    expect(bad.code).toBe(2);
    // Sets of another task than the run's are refused before any replay.
    const maze = await overlap('--run', dir, '--data', 'maze-gen:8:seed=3:count=2');
    expect(maze.err).toMatch(/--run .* trained on sequences of 81 tokens \(vocab 11\), the --data sets are of 64 \(vocab 6\): check them against a run of their task/);
    expect(maze.code).toBe(2);
  });

  it('counts a maze as trained on when a rotation or reflection of it was, and a different maze not', () => {
    const rng = createRng(5);
    const [a, b] = [generateMaze(rng, { size: 10 }).puzzle, generateMaze(rng, { size: 10 }).puzzle];
    const match = equivalenceFor('maze', 100);
    const tokens = (k: DihedralId, g = a) => Int32Array.from(dihedral(g, k).cells);
    const keys = ([1, 2, 3, 4, 5, 6, 7] as DihedralId[]).map((k) => match.key(tokens(k)));
    expect(keys.every((k) => k === match.key(tokens(0)))).toBe(true);
    expect(new Set(([0, 1, 2, 3, 4, 5, 6, 7] as DihedralId[]).map((k) => tokens(k).join())).size).toBeGreaterThan(1);
    expect(match.key(tokens(0, b))).not.toBe(match.key(tokens(0)));
  });
});
