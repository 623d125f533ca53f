/**
 * trm-edge in the browser (`trm-edge/browser`, and the `browser` condition of `trm-edge`): the root
 * API with the page's `createSolver` (a module Web Worker by default; see browser-solver.ts).
 * Web components: `trm-edge/components` (<trm-sudoku>, <trm-maze>).
 */
export * from '../index.js';
export { createSolver, type BrowserSolver, type BrowserSolverOptions } from './browser-solver.js';
export type { ModelInfo } from './browser-backend.js';
