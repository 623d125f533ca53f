/**
 * What the shipped packages answer in Node, for known puzzles from ../shared/data: the workerd tests
 * (test/worker) must get exactly these answers from the worker. The file is a vitest file snapshot:
 * regenerate it with `npx vitest run test/edge -u` after changing a package.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSolver } from '../../model/index.js';
import { formatMaze } from '../../model/tasks/index.js';
import { loadModelFromPath } from '../../model/runtime/node-files.js';
import { openEvalSet } from '../../scripts/lib/data-spec.js';
import { useWasmBackend } from '../helpers/backend.js';
import { dataLines, ROOT } from '../helpers/paths.js';

useWasmBackend();

const CASES = {
  sudoku: [...dataLines('sudoku/kaggle-3m-curated-5000/puzzles.txt.gz').slice(0, 3), dataLines('sudoku/tdoku-magictour-top1465/puzzles.txt.gz')[0]!],
};

describe('answers of the shipped packages in Node (the reference for the worker)', () => {
  it('solves known Sudokus and held-out mazes', async () => {
    const mazeSet = await openEvalSet('maze-gen:10:min=20:seed=4242:count=3');
    const mazes = mazeSet.examples.map((e) => formatMaze({ rows: 10, cols: 10, cells: Uint8Array.from(e.tokens) }));
    const out: Record<string, unknown[]> = {};
    for (const [task, puzzles] of [
      ['sudoku', CASES.sudoku],
      ['maze', mazes],
    ] as const) {
      const model = await loadModelFromPath(join(ROOT, 'model/weights', task));
      const solver = await createSolver({ model, task });
      out[task] = [];
      for (const puzzle of puzzles) {
        for (const [halt, tries] of [
          ['never', 1],
          ['q', 1],
          ['verified', 8],
        ] as const) {
          const r = await solver.solve(puzzle, { halt, tries });
          const copies = tries > 1 ? { tries, copy: r.copy, work: r.work } : {};
          out[task]!.push({ puzzle, halt, ...copies, solution: r.solution, verified: r.verified, steps: r.steps, halted: r.halted, confidence: r.confidence });
        }
      }
      solver.dispose();
    }
    await expect(`${JSON.stringify(out, null, 1)}\n`).toMatchFileSnapshot('../worker/expected.json');
  });
});
