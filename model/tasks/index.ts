/** The task registry: name → codec (transformers.js-style SUPPORTED_TASKS). */
import { InvalidPuzzleError } from '../errors.js';
import { arcCodec } from './arc.js';
import type { TaskCodec } from './codec.js';
import { mazeCodec } from './maze.js';
import { sudokuCodec } from './sudoku.js';

export const TASKS = Object.freeze({ sudoku: sudokuCodec, maze: mazeCodec, arc: arcCodec });

export function getTask(name: string): TaskCodec<unknown, unknown> {
  const codec = (TASKS as Record<string, TaskCodec<unknown, unknown>>)[name];
  if (!codec) throw new InvalidPuzzleError(`unknown task ${JSON.stringify(name)}: must be one of ${Object.keys(TASKS).join(', ')}`, ['task']);
  return codec;
}

export type { TaskCodec, TaskName } from './codec.js';
export * from './grid.js';
export * from './sudoku.js';
export * from './maze.js';
export * from './arc.js';
