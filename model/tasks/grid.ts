/**
 * A small 2-D grid of byte values shared by the task codecs, and the dihedral group acting on it
 * (official dataset/common.py, spec §6.5). Pure TypeScript: no tensors.
 */

export interface Grid {
  readonly rows: number;
  readonly cols: number;
  /** Row-major, rows·cols values. */
  readonly cells: Uint8Array;
}

export function createGrid(rows: number, cols: number, cells: Uint8Array = new Uint8Array(rows * cols)): Grid {
  if (cells.length !== rows * cols) throw new RangeError(`grid ${rows}×${cols} needs ${rows * cols} cells, got ${cells.length}`);
  return { rows, cols, cells };
}

export const gridEquals = (a: Grid, b: Grid): boolean => a.rows === b.rows && a.cols === b.cols && a.cells.every((v, i) => v === b.cells[i]);

export const toRows = (g: Grid): number[][] => Array.from({ length: g.rows }, (_, r) => Array.from(g.cells.subarray(r * g.cols, (r + 1) * g.cols)));

/** Dihedral transform ids 0..7: identity, rot90 (anticlockwise), rot180, rot270, flip LR, flip UD, transpose, anti-transpose. */
export type DihedralId = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** DIHEDRAL_INVERSE of the official code: the id that undoes each transform. */
export const DIHEDRAL_INVERSE: readonly DihedralId[] = [0, 3, 2, 1, 4, 5, 6, 7];

export function isDihedralId(k: unknown): k is DihedralId {
  return Number.isInteger(k) && (k as number) >= 0 && (k as number) <= 7;
}

/** B = D_k(A), with B[i][j] as in spec §6.5 (numpy rot90/fliplr/flipud/T semantics). */
export function dihedral(a: Grid, k: DihedralId): Grid {
  const { rows: h, cols: w, cells } = a;
  const swap = k === 1 || k === 3 || k === 6 || k === 7;
  const [oh, ow] = swap ? [w, h] : [h, w];
  const out = new Uint8Array(h * w);
  const at = (r: number, c: number) => cells[r * w + c]!;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let v: number;
      switch (k) {
        case 0:
          v = at(i, j);
          break;
        case 1:
          v = at(j, w - 1 - i);
          break;
        case 2:
          v = at(h - 1 - i, w - 1 - j);
          break;
        case 3:
          v = at(h - 1 - j, i);
          break;
        case 4:
          v = at(i, w - 1 - j);
          break;
        case 5:
          v = at(h - 1 - i, j);
          break;
        case 6:
          v = at(j, i);
          break;
        case 7:
          v = at(h - 1 - j, w - 1 - i);
          break;
      }
      out[i * ow + j] = v;
    }
  }
  return { rows: oh, cols: ow, cells: out };
}
