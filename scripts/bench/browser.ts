/**
 * The default models in headless Chromium: the browser build (`npm run build:web`) served on
 * loopback, each model solved in a page through trm-edge.js, in a module Web Worker and on the
 * main thread, from a cold browser context each time (empty cache): time to a ready solver from
 * navigation (bundle, wasm init, package download and check), the first solve, and warm solves of
 * the same puzzles as Node solves in this process, so the two compare within one run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Puzzle, TaskName } from '../../model/index.js';
import { createSolver } from '../../model/runtime/node.js';
import { launchChromium } from '../lib/chromium.js';
import { serveFolder } from '../lib/static-server.js';
import { stats, time, type Stats } from './measure.js';

interface BrowserRow {
  task: TaskName;
  thread: 'worker' | 'main';
  /** Cold loads measured (a fresh context each). */
  loads: number;
  /** Navigation start → solver ready. */
  readyMs: Stats;
  firstSolveMs: Stats;
  /** Warm solves, every load's. */
  solveMs: Stats;
  /** The same puzzles in Node, this run. */
  nodeMs: Stats;
}

export interface BrowserReport {
  chromium: string;
  rows: BrowserRow[];
}

// Runs in the page as written (a string, so no build step rewrites it): times from navigation start.
const IN_PAGE = `async ({ model, worker, puzzles }) => {
  const { createSolver } = await import('./trm-edge.js');
  const solver = await createSolver({ model, worker });
  const ready = performance.now();
  let t = performance.now();
  await solver.solve(puzzles[0], { halt: 'never' });
  const first = performance.now() - t;
  const solves = [];
  for (const p of puzzles) {
    t = performance.now();
    await solver.solve(p, { halt: 'never' });
    solves.push(performance.now() - t);
  }
  solver.dispose();
  return { ready, first, solves };
}`;

export async function benchBrowser(root: string, site: string, puzzles: { sudoku: Puzzle<'sudoku'>[]; maze: Puzzle<'maze'>[] }, loads: number): Promise<BrowserReport> {
  await writeFile(join(site, 'bench.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>bench</title>');
  const server = await serveFolder(site);
  const browser = await launchChromium();
  try {
    const rows: BrowserRow[] = [];
    for (const task of ['sudoku', 'maze'] as const) {
      const node = await createSolver({ model: join(root, 'model/weights', task), task, backend: 'wasm' });
      let i = 0;
      const nodeMs = await time(() => node.solve(puzzles[task][i++ % puzzles[task].length] as never, { halt: 'never' }).then(() => {}), puzzles[task].length);
      node.dispose();
      for (const thread of ['worker', 'main'] as const) {
        const runs: { ready: number; first: number; solves: number[] }[] = [];
        for (let l = 0; l < loads; l++) {
          const context = await browser.newContext();
          try {
            const page = await context.newPage();
            await page.goto(new URL('bench.html', server.url).href);
            runs.push(await page.evaluate(`(${IN_PAGE})(${JSON.stringify({ model: task, worker: thread === 'worker', puzzles: puzzles[task] })})`));
          } finally {
            await context.close();
          }
        }
        rows.push({
          task,
          thread,
          loads,
          readyMs: stats(runs.map((r) => r.ready)),
          firstSolveMs: stats(runs.map((r) => r.first)),
          solveMs: stats(runs.flatMap((r) => r.solves)),
          nodeMs,
        });
      }
    }
    return { chromium: browser.version(), rows };
  } finally {
    await browser.close();
    await server.close();
  }
}
