import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { DATA } from '../helpers/paths.js';

const overlap = (...args: string[]) => cli('overlap', ...args);
const EXTREME = join(DATA, 'sudoku/sudoku-extreme-train-sample-1k');

/** A run folder as npm run train leaves it: 3 steps of batch 4, generated puzzles then (from step 3) a puzzle folder. */
async function runDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trm-overlap-'));
  const spec = {
    version: 1, task: 'sudoku', data: 'sudoku-gen:40-45', training: { global_batch_size: 4, seed: 7 },
    phases: [{ step: 2, data: `sudoku:${EXTREME}`, seed: 9 }], init: { from: 'model/weights/sudoku', provenance: 'an earlier run' },
  };
  await writeFile(join(dir, 'run.json'), JSON.stringify(spec));
  await writeFile(join(dir, 'metrics.jsonl'), [1, 2, 3].map((step) => JSON.stringify({ type: 'train', step, time: '' })).join('\n') + '\n');
  return dir;
}

describe('npm run overlap', () => {
  it('finds the evaluation puzzles a run drew (a batch per step from its seed) or holds in a puzzle folder, and exits 3', async () => {
    const dir = await runDir();
    const { code, out } = await overlap('--run', dir, '--data', 'sudoku-gen:40-45:seed=7:count=20', '--data', 'sudoku-gen:40-45:seed=8:count=20', '--data', `sudoku:${EXTREME}:from=5:count=3`);
    expect(out).toMatch(/steps 1-2 on sudoku-gen:40-45 \(seed 7\), 8 examples drawn/);
    expect(out).toMatch(/steps 3-3 on sudoku:.*sudoku-extreme-train-sample-1k \(seed 9\), 4 examples drawn/);
    expect(out).toMatch(/started from model\/weights\/sudoku \(an earlier run\): not replayed here/);
    // The same generator seed gives the same stream: the run's 8 draws are the set's first 8 puzzles.
    expect(out).toMatch(/generated Sudoku \(40-45 givens, seed 7, 20\)\s+20\s+8 {2}\(#0, #1, #2, #3, #4, #5, #6, #7\)/);
    expect(out).toMatch(/generated Sudoku \(40-45 givens, seed 8, 20\)\s+20\s+0\n/);
    expect(out).toMatch(/sudoku-extreme-train-sample-1k #5-7 \(3 of 1000\)\s+3\s+3 {2}\(#0, #1, #2\)/);
    expect(code).toBe(3);
  });

  it('exits 0 when no evaluation puzzle was trained on, and 2 on a folder that is not a run', async () => {
    const dir = await runDir();
    const clean = await overlap('--run', dir, '--data', 'sudoku-gen:40-45:seed=8:count=20');
    expect(clean.code).toBe(0);
    const bad = await overlap('--run', join(dir, 'nope'), '--data', 'sudoku-gen:40-45:seed=8:count=20');
    expect(bad.err).toMatch(/nope: no run\.json: not a training run folder/);
    expect(bad.code).toBe(2);
  });
});
