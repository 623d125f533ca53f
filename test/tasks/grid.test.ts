import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGrid, dihedral, DIHEDRAL_INVERSE, gridEquals, toRows, type DihedralId } from '../../model/tasks/index.js';

const A = createGrid(2, 3, Uint8Array.of(1, 2, 3, 4, 5, 6)); // [[1,2,3],[4,5,6]]

describe('dihedral transforms (spec §6.5, numpy semantics)', () => {
  it.each([
    [
      0,
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ],
    [
      1,
      [
        [3, 6],
        [2, 5],
        [1, 4],
      ],
    ], // np.rot90(k=1): anticlockwise
    [
      2,
      [
        [6, 5, 4],
        [3, 2, 1],
      ],
    ],
    [
      3,
      [
        [4, 1],
        [5, 2],
        [6, 3],
      ],
    ],
    [
      4,
      [
        [3, 2, 1],
        [6, 5, 4],
      ],
    ], // fliplr
    [
      5,
      [
        [4, 5, 6],
        [1, 2, 3],
      ],
    ], // flipud
    [
      6,
      [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
    ], // transpose
    [
      7,
      [
        [6, 3],
        [5, 2],
        [4, 1],
      ],
    ], // fliplr(rot90)
  ] as const)('D_%i matches the official transform', (k, expected) => {
    expect(toRows(dihedral(A, k as DihedralId))).toEqual(expected);
  });

  it('every transform followed by its inverse is the identity', () => {
    const grids = fc
      .integer({ min: 1, max: 30 })
      .chain((rows) =>
        fc.integer({ min: 1, max: 30 }).chain((cols) => fc.uint8Array({ minLength: rows * cols, maxLength: rows * cols }).map((cells) => createGrid(rows, cols, cells))),
      );
    fc.assert(
      fc.property(grids, fc.integer({ min: 0, max: 7 }), (g, k) => gridEquals(dihedral(dihedral(g, k as DihedralId), DIHEDRAL_INVERSE[k]!), g)),
      { seed: 1, numRuns: 300 },
    );
  });
});
