/** The task registry: name → codec (transformers.js-style SUPPORTED_TASKS). */
import { InvalidPuzzleError } from '../errors.js';
import { arcCodec, createArcCodec } from './arc.js';
import type { SymmetryGroup, TaskCodec, TaskName } from './codec.js';
import { createMazeCodec, mazeCodec } from './maze.js';
import { sudokuCodec } from './sudoku.js';

export const TASKS = Object.freeze({ sudoku: sudokuCodec, maze: mazeCodec, arc: arcCodec });

/**
 * The codec of a task; with `seqLen`, sized for that model (mazes are square grids of any size
 * up to 30×30, ARC canvases N×N up to the official 30×30; Sudoku has one size).
 */
export function getTask(name: string, seqLen?: number): TaskCodec<unknown, unknown> {
  const codec = (TASKS as Record<string, TaskCodec<unknown, unknown>>)[name];
  if (!codec) throw new InvalidPuzzleError(`unknown task ${JSON.stringify(name)}: must be one of ${Object.keys(TASKS).join(', ')}`, ['task']);
  if ((name === 'maze' || name === 'arc') && seqLen !== undefined && seqLen !== codec.seqLen) {
    const side = Math.round(Math.sqrt(seqLen));
    if (side * side === seqLen && side <= 30) return (name === 'maze' ? createMazeCodec(side, side) : createArcCodec(side)) as TaskCodec<unknown, unknown>;
  }
  return codec;
}

/**
 * Checks a model's answer tokens against the puzzle tokens by the task's own rule (Sudoku: a valid
 * grid that keeps the givens; Maze: any shortest S-to-G path, where the exact metric wants the
 * label's tie-broken one). Only for tasks whose puzzles decode from their own tokens; ARC has none.
 */
export function tokenChecker(name: TaskName, seqLen?: number): ((puzzle: Int32Array, answer: Int32Array) => boolean) | undefined {
  if (name === 'arc') return undefined;
  const codec = getTask(name, seqLen);
  return (puzzle, answer) => {
    const p = codec.decode(puzzle, undefined);
    return codec.verify(p, codec.decode(answer, p));
  };
}

/**
 * The symmetries for test-time copies of a puzzle (`tries`): the codec's, sized like `getTask`; ARC
 * has none here (its augmentations change the puzzle identifier, and its answers are voted on instead).
 */
export const taskSymmetries = (name: TaskName, seqLen?: number): SymmetryGroup | undefined => getTask(name, seqLen).symmetries;

export type { SymmetryGroup, TaskCodec, TaskName, TokenSymmetry } from './codec.js';
export * from './grid.js';
export * from './sudoku.js';
export * from './maze.js';
export * from './arc.js';
