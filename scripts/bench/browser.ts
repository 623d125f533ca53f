/**
 * The default models in headless Chromium: the browser build (`npm run build:web`) served on
 * loopback, each model solved in a page through trm-edge.js, in a module Web Worker and on the
 * main thread, from a cold browser context each time (empty cache): time to a ready solver from
 * navigation start (bundle, wasm init, package download and check), the first solve, and warm
 * solves of the same puzzles (every step, batch 1) as Node solves in this process just before, so
 * the two compare within one run. A missing Chromium is an error (launchChromium says how to
 * install it), never a skip.
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

// The page opens the solver as it loads (?model=…&worker=…), so "ready" counts from navigation start
// (performance.now()'s origin): the bundle's download, wasm init, the package's download and check.
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>bench</title>
<script type="module">
const q = new URLSearchParams(location.search);
window.opened = import('./trm-edge.js').then(async ({ createSolver }) => ({ solver: await createSolver({ model: q.get('model'), worker: q.get('worker') === 'true' }), ready: performance.now() }));
</script>`;

// Then solves in the page as written (a string, so no build step rewrites it).
const SOLVES = `async (puzzles) => {
  const { solver, ready } = await window.opened;
  try {
    let t = performance.now();
    await solver.solve(puzzles[0], { halt: 'never' });
    const first = performance.now() - t;
    const solves = [];
    for (const p of puzzles) {
      t = performance.now();
      await solver.solve(p, { halt: 'never' });
      solves.push(performance.now() - t);
    }
    return { ready, first, solves };
  } finally {
    solver.dispose();
  }
}`;

/** Fails before any measurement when Chromium is missing or does not start (with launchChromium's error). */
export const checkChromium = async (): Promise<void> => (await launchChromium()).close();

export async function benchBrowser(root: string, site: string, puzzles: { sudoku: Puzzle<'sudoku'>[]; maze: Puzzle<'maze'>[] }, loads: number): Promise<BrowserReport> {
  await writeFile(join(site, 'bench.html'), PAGE);
  const server = await serveFolder(site);
  try {
    const browser = await launchChromium();
    try {
      const rows: BrowserRow[] = [];
      for (const task of ['sudoku', 'maze'] as const) {
        const nodeMs = await nodeSolves(root, task, puzzles[task]);
        for (const thread of ['worker', 'main'] as const) {
          const runs: { ready: number; first: number; solves: number[] }[] = [];
          for (let l = 0; l < loads; l++) {
            const context = await browser.newContext();
            try {
              const page = await context.newPage();
              await page.goto(new URL(`bench.html?model=${task}&worker=${thread === 'worker'}`, server.url).href);
              runs.push(await page.evaluate(`(${SOLVES})(${JSON.stringify(puzzles[task])})`));
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
    }
  } finally {
    await server.close();
  }
}

/** Node's solves of the same puzzles (the same settings, one warm-up). */
async function nodeSolves<T extends 'sudoku' | 'maze'>(root: string, task: T, puzzles: Puzzle<T>[]): Promise<Stats> {
  const solver = await createSolver({ model: join(root, 'model/weights', task), task, backend: 'wasm' });
  try {
    let i = 0;
    return await time(async () => void (await solver.solve(puzzles[i++ % puzzles.length]!, { halt: 'never' })), puzzles.length);
  } finally {
    solver.dispose();
  }
}
