/**
 * A seeded generator of mazes comparable to Maze-Hard (data README): random walls at a density
 * drawn from [28 %, 45 %], S and G on random open cells, kept only when the shortest S-to-G path
 * has at least `minPathCells` cells (S and G included; Maze-Hard 30×30: 110). Labels mark the
 * official Down-Left-Right-Up shortest path.
 */
import type { Rng, RngState } from '../rng.js';
import { createRng } from '../rng.js';
import { createGrid } from '../tasks/grid.js';
import { createMazeCodec, GOAL, OPEN, solveMaze, START, WALL, type MazeGrid } from '../tasks/maze.js';
import type { DataSource } from './source.js';

export interface MazeGeneratorOptions {
  size: number;
  /** Minimum shortest-path length in cells, S and G included. Default: 110·size/30 (Maze-Hard's filter, scaled). */
  minPathCells?: number;
  /** Wall density range. */
  density?: readonly [number, number];
}

export const defaultMinPath = (size: number) => Math.round((110 * size) / 30);

export function generateMaze(rng: Rng, options: MazeGeneratorOptions): { puzzle: MazeGrid; solution: MazeGrid } {
  const n = options.size;
  const minPath = options.minPathCells ?? defaultMinPath(n);
  const [lo, hi] = options.density ?? [0.28, 0.45];
  if (!(Number.isInteger(n) && n >= 4 && n <= 30)) throw new RangeError(`maze size must be an integer in [4, 30], got ${n}`);
  if (minPath > n * n / 2) throw new RangeError(`a ${n}×${n} maze cannot reliably have a ${minPath}-cell shortest path`);
  for (;;) {
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
}

/** Steps from `from` to every cell through non-walls (−1 = unreachable). */
function bfsFrom(cells: Uint8Array, n: number, from: number): Int32Array {
  const dist = new Int32Array(n * n).fill(-1);
  const queue = [from];
  dist[from] = 0;
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    const [r, c] = [Math.floor(i / n), i % n];
    for (const [nr, nc] of [[r + 1, c], [r, c - 1], [r, c + 1], [r - 1, c]] as const) {
      if (nr < 0 || nc < 0 || nr >= n || nc >= n) continue;
      const j = nr * n + nc;
      if (dist[j] === -1 && cells[j] !== WALL) (dist[j] = dist[i]! + 1), queue.push(j);
    }
  }
  return dist;
}

export function mazeGeneratorSource(seed: number, options: MazeGeneratorOptions): DataSource {
  let rng = createRng(seed);
  const codec = createMazeCodec(options.size, options.size);
  return {
    description: `generated ${options.size}×${options.size} mazes (seed ${seed}, shortest path ≥ ${options.minPathCells ?? defaultMinPath(options.size)} cells)`,
    next: (count) => Array.from({ length: count }, () => {
      const m = generateMaze(rng, options);
      return { tokens: codec.encode(m.puzzle), labels: codec.encode(m.solution), id: 0 };
    }),
    state: () => rng.state(),
    restore: (s) => void (rng = createRng(s as RngState)),
  };
}
