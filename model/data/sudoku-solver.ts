/**
 * A bitmask Sudoku solver: constraint propagation (naked and hidden singles) plus depth-first
 * search on the cell with fewest candidates. Counts solutions up to a limit (uniqueness checks)
 * and reports how many guesses the search needed, the difficulty rating the generator uses
 * (0 = solvable by singles alone; Sudoku-Extreme's `rating` is the same idea in tdoku).
 */

const ALL = 0x3fe; // bits 1..9
const UNITS: number[][] = [];
const PEERS: number[][] = [];
const UNITS_OF: number[][][] = [];
for (let i = 0; i < 9; i++) {
  UNITS.push(Array.from({ length: 9 }, (_, j) => i * 9 + j));
  UNITS.push(Array.from({ length: 9 }, (_, j) => j * 9 + i));
  UNITS.push(Array.from({ length: 9 }, (_, j) => (Math.floor(i / 3) * 3 + Math.floor(j / 3)) * 9 + (i % 3) * 3 + (j % 3)));
}
for (let c = 0; c < 81; c++) {
  const peers = new Set<number>();
  for (const u of UNITS) if (u.includes(c)) for (const p of u) if (p !== c) peers.add(p);
  PEERS.push([...peers]);
  UNITS_OF.push(UNITS.filter((u) => u.includes(c)));
}

const popcount = (m: number) => {
  let n = 0;
  for (; m; m &= m - 1) n++;
  return n;
};
const lowestDigit = (m: number) => 31 - Math.clz32(m & -m);

export interface SolveResult {
  /** Solutions found, at most `limit`. */
  count: number;
  /** The first solution (81 digits 1-9), when count ≥ 1. */
  solution: Uint8Array | null;
  /** Guesses (branchings) made before the first solution: the difficulty rating. */
  guesses: number;
}

/** Candidates per cell after placing the givens; null when the givens contradict. */
function candidates(grid: Uint8Array): Uint16Array | null {
  const cand = new Uint16Array(81).fill(ALL);
  for (let c = 0; c < 81; c++) if (grid[c]) if (!assign(cand, c, grid[c]!)) return null;
  return cand;
}

/** Places digit d in cell c and propagates singles; false on contradiction. */
function assign(cand: Uint16Array, c: number, d: number): boolean {
  const bit = 1 << d;
  if (!(cand[c]! & bit)) return false;
  const others = cand[c]! & ~bit;
  for (let m = others; m; m &= m - 1) if (!eliminate(cand, c, lowestDigit(m))) return false;
  return true;
}

function eliminate(cand: Uint16Array, c: number, d: number): boolean {
  const bit = 1 << d;
  if (!(cand[c]! & bit)) return true;
  cand[c] = cand[c]! & ~bit;
  const left = cand[c]!;
  if (!left) return false;
  if ((left & (left - 1)) === 0) {
    const only = lowestDigit(left);
    for (const p of PEERS[c]!) if (!eliminate(cand, p, only)) return false;
  }
  // Hidden single: a unit of c where d now fits in one place only.
  for (const unit of UNITS_OF[c]!) {
    let place = -1;
    let n = 0;
    for (const p of unit) if (cand[p]! & bit) (place = p), n++;
    if (n === 0) return false;
    if (n === 1 && popcount(cand[place]!) > 1 && !assign(cand, place, d)) return false;
  }
  return true;
}

/**
 * Solves `grid` (81 values, 0 = blank), counting solutions up to `limit` (2 checks uniqueness).
 * `order` optionally permutes the digits tried at each guess (random full grids for the generator).
 */
export function solveSudoku(grid: Uint8Array, limit = 2, order: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9]): SolveResult {
  const result: SolveResult = { count: 0, solution: null, guesses: 0 };
  const start = candidates(grid);
  if (!start) return result;
  const search = (cand: Uint16Array): void => {
    let best = -1;
    let bestCount = 10;
    for (let c = 0; c < 81; c++) {
      const n = popcount(cand[c]!);
      if (n > 1 && n < bestCount) (best = c), (bestCount = n);
    }
    if (best < 0) {
      result.count++;
      if (!result.solution) result.solution = Uint8Array.from(cand, lowestDigit);
      return;
    }
    for (const d of order) {
      if (!(cand[best]! & (1 << d))) continue;
      if (!result.solution) result.guesses++;
      const next = cand.slice();
      if (assign(next, best, d)) search(next);
      if (result.count >= limit) return;
    }
  };
  search(start);
  return result;
}
