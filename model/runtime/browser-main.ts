/** The main-thread mode of the page's solver (browser-solver.ts imports it on first use: it brings TF.js). */
import { loadPackageUrl, openSolver } from '../front-door.js';
import type { TaskName } from '../tasks/codec.js';
import { initBrowserBackend, modelInfo, registerBrowserGradients } from './browser-backend.js';
import type { BrowserSolver, BrowserSolverOptions } from './browser-solver.js';

export async function createMainThreadSolver<T extends TaskName>(options: BrowserSolverOptions<T>): Promise<BrowserSolver<T>> {
  const { worker: _, backend: name, wasmPaths, threads, ...rest } = options;
  const backend = await initBrowserBackend({ ...(name ? { backend: name } : {}), ...(wasmPaths ? { wasmPaths } : {}), ...(threads ? { threads } : {}) });
  const solver = await openSolver<T>(rest, loadPackageUrl);
  return {
    task: solver.task,
    maxTries: solver.maxTries,
    get model() {
      return modelInfo(solver.model);
    },
    thread: 'main',
    backend,
    // Yield after each step by default, so the page paints each step's answer.
    solveBatch: (puzzles, o) => solver.solveBatch(puzzles, { yieldEachStep: true, ...o }),
    solve: (puzzle, o) => solver.solve(puzzle, { yieldEachStep: true, ...o }),
    fit: async (task, o) => (await registerBrowserGradients(), solver.fit(task, o)),
    dispose: () => solver.dispose(),
  };
}
