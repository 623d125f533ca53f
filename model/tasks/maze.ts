/**
 * Maze codec (official dataset/build_maze_dataset.py, spec §6.3). Cells over the charset "# SGo"
 * with token = index + 1: '#' 1 wall, ' ' 2 open, 'S' 3 start, 'G' 4 goal, 'o' 5 path; V = 6,
 * S = rows·cols (900 for Maze-Hard). The label marks one shortest S-to-G path with 'o', chosen by
 * the Down-Left-Right-Up tie-break that reproduces the official labels (data README).
 */
import { InvalidPuzzleError } from '../errors.js';
import type { SymmetryGroup, TaskCodec } from './codec.js';
import { createGrid, dihedral, DIHEDRAL_INVERSE, type DihedralId, type Grid } from './grid.js';

export const MAZE_CHARSET = '# SGo';
export const WALL = 1,
  OPEN = 2,
  START = 3,
  GOAL = 4,
  PATH = 5;

/** Grid of tokens 1-5 (0 marks an undecodable model output). */
export type MazeGrid = Grid;

const at = (r: number, c: number) => `row ${r + 1}, col ${c + 1}`;

/** Parses rows (string[]), newline-separated rows, or one row-major string of rows·cols characters. */
export function parseMaze(input: unknown, rows = 30, cols = 30): MazeGrid {
  let lines: string[];
  if (typeof input === 'string') {
    const trimmed = input.replace(/\r/g, '');
    lines = trimmed.includes('\n')
      ? trimmed.replace(/\n+$/, '').split('\n')
      : trimmed.length === rows * cols
        ? Array.from({ length: rows }, (_, r) => trimmed.slice(r * cols, (r + 1) * cols))
        : [trimmed];
  } else if (Array.isArray(input) && input.every((l) => typeof l === 'string')) {
    lines = input as string[];
  } else {
    throw new InvalidPuzzleError(`maze: puzzle must be ${rows} text rows (an array of strings or one newline-separated string)`, []);
  }
  if (lines.length !== rows) throw new InvalidPuzzleError(`maze: expected ${rows} rows of ${cols} cells, got ${lines.length} rows`, []);
  const cells = new Uint8Array(rows * cols);
  const seen: Record<number, [number, number] | undefined> = {};
  lines.forEach((line, r) => {
    if (line.length !== cols) throw new InvalidPuzzleError(`maze: row ${r + 1} has ${line.length} cells, expected ${cols}`, [r]);
    for (let c = 0; c < cols; c++) {
      const token = MAZE_CHARSET.indexOf(line[c]!) + 1;
      if (token === 0 || token === PATH) {
        const why =
          token === PATH
            ? "a path cell 'o' (a puzzle has only '#', ' ', 'S' and 'G')"
            : `invalid character ${JSON.stringify(line[c])} (allowed: '#' wall, ' ' open, 'S' start, 'G' goal)`;
        throw new InvalidPuzzleError(`maze: ${why} at ${at(r, c)}`, [r, c]);
      }
      if (token === START || token === GOAL) {
        const first = seen[token];
        const name = token === START ? 'S' : 'G';
        if (first) throw new InvalidPuzzleError(`maze: second '${name}' at ${at(r, c)} (first at ${at(...first)}); a maze has exactly one`, [r, c]);
        seen[token] = [r, c];
      }
      cells[r * cols + c] = token;
    }
  });
  if (!seen[START]) throw new InvalidPuzzleError("maze: no start 'S'", []);
  if (!seen[GOAL]) throw new InvalidPuzzleError("maze: no goal 'G'", []);
  return createGrid(rows, cols, cells);
}

export const formatMaze = (g: MazeGrid): string[] =>
  Array.from({ length: g.rows }, (_, r) => Array.from(g.cells.subarray(r * g.cols, (r + 1) * g.cols), (t) => MAZE_CHARSET[t - 1] ?? '?').join(''));

// Down, Left, Right, Up: the neighbour order of the official labels' tie-break.
const MOVES: readonly [number, number][] = [
  [1, 0],
  [0, -1],
  [0, 1],
  [-1, 0],
];

/** BFS distances (in steps) from `from` through cells where `passable` holds; −1 = unreachable. */
function distances(g: Grid, from: number, passable: (token: number) => boolean): Int32Array {
  const dist = new Int32Array(g.cells.length).fill(-1);
  const queue = [from];
  dist[from] = 0;
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    const [r, c] = [Math.floor(i / g.cols), i % g.cols];
    for (const [dr, dc] of MOVES) {
      const [nr, nc] = [r + dr, c + dc];
      if (nr < 0 || nc < 0 || nr >= g.rows || nc >= g.cols) continue;
      const j = nr * g.cols + nc;
      if (dist[j] === -1 && passable(g.cells[j]!)) (dist[j] = dist[i]! + 1), queue.push(j);
    }
  }
  return dist;
}

const notWall = (t: number) => t !== WALL;

/** Shortest S-to-G distance in steps, or −1 when G is unreachable. */
export function shortestDistance(puzzle: MazeGrid): number {
  return distances(puzzle, puzzle.cells.indexOf(START), notWall)[puzzle.cells.indexOf(GOAL)]!;
}

/**
 * The official label: BFS distance to G, then walk from S, each step to the first neighbour in
 * the order Down, Left, Right, Up that is one step closer; visited cells between S and G become 'o'.
 * Returns null when G is unreachable.
 */
export function solveMaze(puzzle: MazeGrid): MazeGrid | null {
  const toGoal = distances(puzzle, puzzle.cells.indexOf(GOAL), notWall);
  let i = puzzle.cells.indexOf(START);
  if (toGoal[i] === -1) return null;
  const cells = puzzle.cells.slice();
  while (toGoal[i]! > 1) {
    const [r, c] = [Math.floor(i / puzzle.cols), i % puzzle.cols];
    for (const [dr, dc] of MOVES) {
      const [nr, nc] = [r + dr, c + dc];
      if (nr < 0 || nc < 0 || nr >= puzzle.rows || nc >= puzzle.cols) continue;
      const j = nr * puzzle.cols + nc;
      if (toGoal[j] === toGoal[i]! - 1) {
        i = j;
        break;
      }
    }
    cells[i] = PATH;
  }
  return createGrid(puzzle.rows, puzzle.cols, cells);
}

/**
 * A correct answer: the puzzle's walls, S and G unchanged, other cells open or 'o', and the 'o'
 * cells form a connected S-to-G path of optimal length (any optimal path, not only the label's).
 */
export function isMazeSolution(puzzle: MazeGrid, solution: MazeGrid): boolean {
  if (solution.rows !== puzzle.rows || solution.cols !== puzzle.cols) return false;
  let pathCells = 0;
  for (let i = 0; i < puzzle.cells.length; i++) {
    const [p, s] = [puzzle.cells[i]!, solution.cells[i]!];
    if (p === OPEN ? s !== OPEN && s !== PATH : s !== p) return false;
    if (s === PATH) pathCells++;
  }
  const best = shortestDistance(puzzle);
  if (best < 0 || pathCells !== best - 1) return false;
  const along = distances(solution, solution.cells.indexOf(START), (t) => t === PATH || t === GOAL);
  return along[solution.cells.indexOf(GOAL)] === best;
}

export function createMazeCodec(rows = 30, cols = 30): TaskCodec<MazeGrid> {
  return {
    name: 'maze',
    vocabSize: MAZE_CHARSET.length + 1,
    seqLen: rows * cols,
    parse: (input) => parseMaze(input, rows, cols),
    encode: (p) => Int32Array.from(p.cells),
    decode: (tokens) =>
      createGrid(
        rows,
        cols,
        Uint8Array.from(tokens, (t) => (t >= 1 && t <= 5 ? t : 0)),
      ),
    verify: isMazeSolution,
    format: formatMaze,
    symmetries: mazeSymmetries(rows, cols),
  };
}

/**
 * A maze's symmetries on tokens: the dihedral transforms that keep its shape (7 for a square, 3
 * otherwise). Shortest paths map to shortest paths, though not always to the label's tie-broken one.
 */
export function mazeSymmetries(rows = 30, cols = 30): SymmetryGroup {
  const ids: DihedralId[] = rows === cols ? [1, 2, 3, 4, 5, 6, 7] : [2, 4, 5];
  const transform = (tokens: Int32Array, k: DihedralId) => Int32Array.from(dihedral(createGrid(rows, cols, Uint8Array.from(tokens)), k).cells);
  return {
    size: ids.length,
    draw(k) {
      const id = ids[k - 1];
      if (id === undefined) throw new RangeError(`a ${rows}×${cols} maze has ${ids.length} symmetries besides the identity, not ${k}`);
      return { apply: (tokens) => transform(tokens, id), invert: (tokens) => transform(tokens, DIHEDRAL_INVERSE[id]!) };
    },
  };
}

/** The Maze-Hard codec: 30×30. */
export const mazeCodec = createMazeCodec();
