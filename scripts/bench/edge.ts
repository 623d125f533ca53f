/**
 * The edge solver through `wrangler dev` on loopback: cold start (a fresh isolate's first solve:
 * wasm init, package load, first forward), then latency of POST /v1/solve per task and halting
 * mode, and the model's GFLOP/s inside workerd against the same package in Node.
 */
import { join } from 'node:path';
import { createSolver, type Puzzle, type TaskName } from '../../model/index.js';
import { flopsPerStep } from '../../model/cost.js';
import { loadModelFromPath } from '../../model/runtime/node-files.js';
import { startWranglerDev } from '../lib/wrangler-dev.js';
import { stats, type Stats } from './measure.js';

interface EdgeRow {
  task: TaskName;
  halt: 'q' | 'never';
  requests: number;
  latencyMs: Stats;
  meanSteps: number;
  workerdGflops: number;
  nodeGflops: number;
}

export interface EdgeReport {
  coldStartMs: number;
  rows: EdgeRow[];
}

/** `site`: the static folder (`buildWeb`) the worker serves its models from. */
export async function benchEdge(root: string, site: string, puzzles: { sudoku: Puzzle<'sudoku'>[]; maze: Puzzle<'maze'>[] }, port = 8799): Promise<EdgeReport> {
  const server = await startWranglerDev(root, port, site);
  const url = `http://127.0.0.1:${port}/v1/solve`;
  const call = async (task: string, puzzle: unknown, halt: string) => {
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task, puzzle, options: { halt } }) });
    const body = (await res.json()) as { steps: number; timing: { solveMs: number }; error?: { message: string } };
    if (!res.ok) throw new Error(`edge bench: ${res.status} ${body.error?.message}`);
    return { ms: performance.now() - t, steps: body.steps, solveMs: body.timing.solveMs };
  };
  try {
    const cold = await call('sudoku', puzzles.sudoku[0], 'q');
    const rows: EdgeRow[] = [];
    for (const task of ['sudoku', 'maze'] as const) {
      const model = await loadModelFromPath(join(root, 'model/weights', task));
      const flopStep = flopsPerStep(model.config);
      const solver = await createSolver({ model, task });
      for (const halt of ['q', 'never'] as const) {
        await call(task, puzzles[task][0], halt); // warm this model in the isolate
        const results = [];
        for (const p of puzzles[task]) results.push(await call(task, p, halt));
        const steps = results.reduce((s, r) => s + r.steps, 0);
        const t = performance.now();
        let nodeSteps = 0;
        for (const p of puzzles[task]) nodeSteps += (await solver.solve(p, { halt })).steps;
        const nodeMs = performance.now() - t;
        rows.push({
          task,
          halt,
          requests: results.length,
          latencyMs: stats(results.map((r) => r.ms)),
          meanSteps: steps / results.length,
          workerdGflops: (steps * flopStep) / results.reduce((s, r) => s + r.solveMs, 0) / 1e6,
          nodeGflops: (nodeSteps * flopStep) / nodeMs / 1e6,
        });
      }
      solver.dispose();
    }
    return { coldStartMs: cold.ms, rows };
  } finally {
    server.stop();
  }
}
