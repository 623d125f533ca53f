/**
 * A seeded generator of mazes comparable to Maze-Hard (data README): random walls at a density
 * drawn from [28 %, 45 %], S and G on random open cells, kept only when the shortest S-to-G path
 * has at least `minPathCells` cells (S and G included; Maze-Hard 30×30: 110). Labels mark the
 * official Down-Left-Right-Up shortest path.
 */
import { TrmError } from '../errors.js';
import type { Rng, RngState } from '../rng.js';
import { createRng } from '../rng.js';
import { createGrid } from '../tasks/grid.js';
import { createMazeCodec, GOAL, OPEN, solveMaze, START, WALL, type MazeGrid } from '../tasks/maze.js';
import type { DataSource } from './source.js';

export interface MazeGeneratorOptions {
  size: number;
  /** Minimum shortest-path length in cells, S and G included (≥ 2). Default: defaultMinPath(size). */
  minPathCells?: number;
  /** Wall density range. */
  density?: readonly [number, number];
}

/**
 * Maze-Hard's filter (110 cells at 30×30) scaled by size/30. Below 8×8 that is more than half the cells, out of
 * reach, so small mazes ask for 2·size cells (a path twice the side; at least 1 in 6 wall layouts has one).
 */
export const defaultMinPath = (size: number) => (size < 8 ? 2 * size : Math.round((110 * size) / 30));

/**
 * Wall layouts tried for one maze before giving up: 10⁷ cells' worth, at most about 20 s at any size. The sparsest
 * default filter (8×8, 29 cells) accepts 1 layout in 3,200 (measured), so a budget of 156,000 practically never
 * runs out; a path length no layout reaches gets an error instead of a hang.
 */
export const mazeLayoutBudget = (size: number) => Math.ceil(1e7 / (size * size));

/**
 * The options with their defaults filled in; a bad one is a TrmError('invalid_data') naming it. The source factory
 * and each generation call it.
 */
export function checkMazeOptions(options: MazeGeneratorOptions): { n: number; minPath: number; lo: number; hi: number } {
  const n = options.size;
  const minPath = options.minPathCells ?? defaultMinPath(n);
  const [lo, hi] = options.density ?? [0.28, 0.45];
  if (!(Number.isInteger(n) && n >= 4 && n <= 30)) throw new TrmError('invalid_data', `maze size must be an integer in [4, 30], got ${n}`);
  if (!(Number.isInteger(minPath) && minPath >= 2))
    throw new TrmError('invalid_data', `the minimum path must be a whole number of at least 2 cells (S and G are distinct), got ${minPath}`);
  if (minPath > (n * n) / 2) throw new TrmError('invalid_data', `a ${n}×${n} maze cannot reliably have a ${minPath}-cell shortest path (at most ${Math.floor((n * n) / 2)})`);
  if (!(0 <= lo && lo <= hi && hi < 1)) throw new TrmError('invalid_data', `wall density must satisfy 0 ≤ min ≤ max < 1, got ${lo}-${hi}`);
  return { n, minPath, lo, hi };
}

export function generateMaze(rng: Rng, options: MazeGeneratorOptions): { puzzle: MazeGrid; solution: MazeGrid } {
  const { n, minPath, lo, hi } = checkMazeOptions(options);
  const budget = mazeLayoutBudget(n);
  for (let layout = 0; layout < budget; layout++) {
    const cells = new Uint8Array(n * n).fill(OPEN);
    const walls = Math.round((lo + rng.next() * (hi - lo)) * n * n);
    const order = rng.permutation(n * n);
    for (const c of order.slice(0, walls)) cells[c] = WALL;
    const open = order.slice(walls);
    // Several starts per wall layout (as Searchformer's generator tries several S/G pairs); for
    // each, G is drawn among the cells far enough away, so long paths are found without rejection.
    for (let attempt = 0; attempt < 20 && open.length > 1; attempt++) {
      const s = open[rng.int(0, open.length)]!;
      cells[s] = START;
      const dist = bfsFrom(cells, n, s);
      const far = open.filter((c) => dist[c]! >= minPath - 1);
      if (far.length) {
        const trial = cells.slice();
        trial[far[rng.int(0, far.length)]!] = GOAL;
        const puzzle = createGrid(n, n, trial);
        return { puzzle, solution: solveMaze(puzzle)! };
      }
      cells[s] = OPEN;
    }
  }
  throw new TrmError('invalid_data', `no ${n}×${n} maze with a shortest path of at least ${minPath} cells in ${budget} wall layouts (too long a path for this size)`);
}

/** Steps from `from` to every cell through non-walls (−1 = unreachable). */
function bfsFrom(cells: Uint8Array, n: number, from: number): Int32Array {
  const dist = new Int32Array(n * n).fill(-1);
  const queue = [from];
  dist[from] = 0;
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    const [r, c] = [Math.floor(i / n), i % n];
    for (const [nr, nc] of [
      [r + 1, c],
      [r, c - 1],
      [r, c + 1],
      [r - 1, c],
    ] as const) {
      if (nr < 0 || nc < 0 || nr >= n || nc >= n) continue;
      const j = nr * n + nc;
      if (dist[j] === -1 && cells[j] !== WALL) (dist[j] = dist[i]! + 1), queue.push(j);
    }
  }
  return dist;
}

export function mazeGeneratorSource(seed: number, options: MazeGeneratorOptions): DataSource {
  const { n, minPath } = checkMazeOptions(options);
  let rng = createRng(seed);
  const codec = createMazeCodec(n, n);
  return {
    description: `generated ${n}×${n} mazes (seed ${seed}, shortest path ≥ ${minPath} cells)`,
    next: (count) =>
      Array.from({ length: count }, () => {
        const m = generateMaze(rng, options);
        return { tokens: codec.encode(m.puzzle), labels: codec.encode(m.solution), id: 0 };
      }),
    state: () => rng.state(),
    restore: (s) => void (rng = createRng(s as RngState)),
  };
}
