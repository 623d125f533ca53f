/**
 * Which inputs count as the same puzzle for `npm run overlap`: those the task's augmentation maps onto
 * each other. Sudoku: an official shuffle (a bucketing invariant, confirmed by search). Maze: one of
 * the 8 dihedral transforms of the official `--aug` (a canonical form, exact). Other tasks: equal tokens.
 */
import { createGrid, dihedral, type DihedralId } from '../../model/tasks/grid.js';
import { findSudokuShuffle, sudokuInvariant } from '../../model/tasks/sudoku-equivalence.js';
import { sudokuCodec } from '../../model/tasks/sudoku.js';
import type { TaskName } from '../../model/index.js';

export interface Equivalence {
  /** What counts as equivalent, for the report. */
  what: string;
  /** Equal for equivalent inputs; equal keys are confirmed with `equivalent`. */
  key(tokens: Int32Array): string;
  equivalent(a: Int32Array, b: Int32Array): boolean;
}

const exact = (tokens: Int32Array) => tokens.join(',');
const sudokuCells = (tokens: Int32Array) => sudokuCodec.decode(tokens, createGrid(9, 9)).cells;

export function equivalenceFor(task: TaskName | 'other', seqLen: number): Equivalence {
  if (task === 'sudoku') {
    return {
      what: 'a Sudoku shuffle (transpose, band/row, stack/column orders, digits) of a trained puzzle',
      key: (t) => sudokuInvariant(sudokuCells(t)),
      equivalent: (a, b) => findSudokuShuffle(sudokuCells(a), sudokuCells(b)) !== undefined,
    };
  }
  if (task === 'maze') {
    const side = Math.round(Math.sqrt(seqLen));
    const canonical = (t: Int32Array) => {
      const g = createGrid(side, side, Uint8Array.from(t));
      return ([0, 1, 2, 3, 4, 5, 6, 7] as DihedralId[]).map((k) => dihedral(g, k).cells.join(',')).sort()[0]!;
    };
    return { what: 'a rotation or reflection of a trained maze', key: canonical, equivalent: () => true };
  }
  return { what: 'none (exact matches only)', key: exact, equivalent: (a, b) => exact(a) === exact(b) };
}
