import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { dataLines, FIXTURES, ROOT } from '../helpers/paths.js';

const solve = (...args: string[]) => cli('solve', ...args);

const MODEL = join(FIXTURES, 'sudoku-mlp-small/step_0');
const CONFIG = join(FIXTURES, 'sudoku-mlp-small/config.json');
const PUZZLE = dataLines('sudoku/sudoku-extreme-train-sample-1k/puzzles.txt')[0]!;

describe('npm run solve', () => {
  it('prints the grid, every step, the halting step, the confidence and verification', async () => {
    const { code, out } = await solve('--model', MODEL, '--config', CONFIG, '--task', 'sudoku', '--puzzle', PUZZLE);
    expect(code).toBe(0);
    expect(out).toMatch(/model .*step_0 \(torch-zip\) · sudoku · D 64 · T 2 · n 3 · 397,826 parameters · wasm backend/);
    expect(out).toMatch(/step {2}4\/4 {2}confidence \d\.\d{3} {2}\d+ cells changed/);
    expect(out).toMatch(/halted at step 4 \(halt_max_steps\) · confidence σ\(q_halt\) = \d\.\d{3} · verified: no/);
    expect(out.match(/ ------\+-------\+------/g)).toHaveLength(4); // puzzle and solution grids
  });

  it("--halt q stops at the first step with q_halt > 0 (the fixture's first puzzle: step 1)", async () => {
    const { code, out } = await solve('--model', MODEL, '--config', CONFIG, '--task', 'sudoku', '--puzzle', PUZZLE, '--halt', 'q', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ task: 'sudoku', steps: 1, halted: true, verified: false });
    expect(result.qHalt).toBeGreaterThan(0);
    expect(result.trajectory).toHaveLength(1);
    expect(result.solution).toHaveLength(81);
  });

  it('infers the official Sudoku recipe (T 3, n 6, 16 steps) when no config is given', async () => {
    const { code, out } = await solve('--model', MODEL, '--task', 'sudoku', '--puzzle', PUZZLE, '--max-steps', '2');
    expect(code).toBe(0);
    expect(out).toMatch(/T 3 · n 6/);
    expect(out).toMatch(/stopped at step 2 \(maxSteps budget\)/);
  });

  it.each([
    [['--task', 'sudoku', '--puzzle', 'x'.repeat(81)], /sudoku: invalid character 'x' at row 1, col 1/],
    [['--task', 'sudoku', '--puzzle', PUZZLE, '--halt', 'maybe'], /--halt must be one of never, q, verified/],
    [['--task', 'sudoku', '--puzzle', PUZZLE, '--tries', '0'], /--tries must be an integer ≥ 1/],
    [['--task', 'sudoku', '--puzzle', PUZZLE, '--max-steps', '0'], /--max-steps must be an integer ≥ 1/],
    [['--task', 'chess', '--puzzle', PUZZLE], /unknown task "chess": must be one of sudoku, maze, arc/],
    [['--task', 'sudoku', '--puzzle', `55${'.'.repeat(79)}`], /sudoku: the givens conflict: digit 5 appears twice in row 1/],
    [['--task', 'sudoku'], /give exactly one of --puzzle and --puzzle-file/],
  ])('exits 2 with the reason for bad input %#', async (args, message) => {
    const { code, err } = await solve('--model', MODEL, ...args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('refuses, before printing anything, a --config beside a package and a task the package does not solve', async () => {
    const pkg = join(ROOT, 'model/weights/sudoku');
    const config = await solve('--model', pkg, '--config', CONFIG, '--puzzle', PUZZLE);
    expect([config.code, config.out]).toEqual([2, '']);
    expect(config.err).toMatch(/--config: .*sudoku is a package, which carries its own config/);
    const task = await solve('--model', pkg, '--task', 'arc', '--id', 'x', '--puzzle', '{"train": [], "test": [{"input": [[1]]}]}');
    expect([task.code, task.out]).toEqual([2, '']);
    expect(task.err).toMatch(/--task arc but .*sudoku is a sudoku model/);
  });

  it('exits 2 for a missing model and for a model that does not fit the task', async () => {
    const missing = await solve('--model', 'no/such/step_1', '--task', 'sudoku', '--puzzle', PUZZLE);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no\/such\/step_1: no such file or folder/);
    const maze = [`S${' '.repeat(29)}`, ...Array(28).fill(' '.repeat(30)), `${' '.repeat(29)}G`].join('|');
    const misfit = await solve('--model', MODEL, '--task', 'maze', '--puzzle', maze);
    expect(misfit.code).toBe(2);
    expect(misfit.err).toMatch(/vocab_size is 6 but the checkpoint's shapes say 11/);
  });
});
