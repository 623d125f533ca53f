/**
 * The module worker behind a page's solver (browser-solver.ts): one solver per worker, built with
 * the core's front door, answering solves with their steps as they come. Each step yields to the
 * event loop, so an abort message is read between steps.
 */
import { loadPackageUrl, openSolver } from '../front-door.js';
import type { Solver } from '../solver.js';
import { initBrowserBackend, modelInfo, registerBrowserGradients } from './browser-backend.js';
import { toWire, type FromWorker, type ToWorker } from './browser-protocol.js';

// A dedicated worker's global, typed without the WebWorker lib (it clashes with DOM in one program).
const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: (event: MessageEvent<ToWorker>) => void };
const post = (message: FromWorker) => scope.postMessage(message);
let solver: Solver | null = null;
const running = new Map<number, AbortController>();

scope.onmessage = async ({ data }) => {
  if (data.type === 'abort') return void running.get(data.id)?.abort();
  const { id } = data;
  try {
    if (data.type === 'open') {
      const { model, task, ...backendOptions } = data.request;
      const backend = await initBrowserBackend(backendOptions);
      solver = await openSolver({ model, ...(task ? { task } : {}), onProgress: (fraction) => post({ type: 'progress', id, fraction }) }, loadPackageUrl);
      post({ type: 'opened', id, info: { task: solver.task, maxTries: solver.maxTries, model: modelInfo(solver.model), backend } });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    if (data.type === 'fit') {
      const { progress, ...options } = data.options;
      await registerBrowserGradients();
      const value = await solver!.fit(data.task as never, {
        ...options,
        signal: controller.signal,
        ...(progress ? { onProgress: (p) => post({ type: 'fit-progress', id, progress: p }) } : {}),
      });
      post({ type: 'result', id, value: { ...value, model: modelInfo(solver!.model) } }); // the page's `model` then names the new rows
      return;
    }
    const { steps, ...options } = data.options;
    const value = await solver!.solveBatch(data.puzzles as never[], {
      ...options,
      signal: controller.signal,
      yieldEachStep: true,
      ...(steps ? { onStep: (step) => post({ type: 'step', id, step }) } : {}),
    });
    post({ type: 'result', id, value });
  } catch (e) {
    post({ type: 'error', id, error: toWire(e) });
  } finally {
    running.delete(id);
  }
};
