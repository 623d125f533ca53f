/**
 * When are two Sudoku puzzles the same puzzle? When one official shuffle (transpose, band/row and
 * stack/column orders, digit relabelling: `applySudokuShuffle`) maps one onto the other. Training
 * augments stored puzzles with these shuffles, and Sudoku-Extreme's rows are shuffled copies of the
 * public collections, so an exact string match misses such copies. An invariant buckets candidates
 * cheaply; a pruned search over the 2·6⁸ geometric shuffles confirms a match.
 */
import { createGrid, dihedral } from './grid.js';
import type { SudokuShuffle } from './sudoku.js';

const N = 9;

/**
 * A key that every shuffle of a puzzle shares (different keys: never equivalent). Per given: its row's
 * and band's given counts paired with its column's and stack's (unordered, since a transpose swaps
 * them), its box's count and how often its digit is given; the sorted list of these.
 */
export function sudokuInvariant(cells: ArrayLike<number>): string {
  // Each given with its row, column, band, stack and box, found once.
  const given = Array.from({ length: 81 }, (_, i) => {
    const r = Math.floor(i / N),
      c = i % N,
      band = Math.floor(r / 3),
      stack = Math.floor(c / 3);
    return { r, c, band, stack, box: band * 3 + stack, v: cells[i]! };
  }).filter((g) => g.v);
  const count = (n: number) => new Array<number>(n).fill(0);
  const [rows, cols, boxes, bands, stacks, digits] = [count(N), count(N), count(N), count(3), count(3), count(N + 1)];
  for (const g of given) rows[g.r]!++, cols[g.c]!++, boxes[g.box]!++, bands[g.band]!++, stacks[g.stack]!++, digits[g.v]!++;
  return given
    .map((g) => {
      const a = rows[g.r]! * 100 + bands[g.band]!,
        b = cols[g.c]! * 100 + stacks[g.stack]!;
      return ((Math.min(a, b) * 10_000 + Math.max(a, b)) * 10 + boxes[g.box]!) * 100 + digits[g.v]!;
    })
    .sort((x, y) => x - y)
    .join(',');
}

/**
 * A shuffle s with `applySudokuShuffle(a, s)` equal to b (81 values each, 0 = blank), or undefined
 * when there is none. Rows are placed band by band, pruned by given counts; then columns, each
 * checked against b's column and extending one digit bijection.
 */
export function findSudokuShuffle(a: ArrayLike<number>, b: ArrayLike<number>): SudokuShuffle | undefined {
  const bRows = lineCounts(b, true),
    bCols = lineCounts(b, false);
  for (const transpose of [false, true]) {
    const src = Array.from(transpose ? dihedral(createGrid(N, N, Uint8Array.from(a)), 6).cells : a); // 6: the transpose
    const sRows = lineCounts(src, true),
      sCols = lineCounts(src, false);
    if ([...sRows].sort().join() !== [...bRows].sort().join() || [...sCols].sort().join() !== [...bCols].sort().join()) continue;
    for (const rowOrder of orders(sRows, bRows)) {
      const digitMap = new Array<number>(N + 1).fill(-1),
        inverse = new Array<number>(N + 1).fill(-1);
      digitMap[0] = inverse[0] = 0;
      const colOrder = placeColumns(src, b, rowOrder, digitMap, inverse);
      if (!colOrder) continue;
      // Digits given in neither puzzle map onto each other in order (any bijection would do).
      const free = [...Array(N + 1).keys()].filter((d) => d && inverse[d] === -1);
      for (let d = 1; d <= N; d++) if (digitMap[d] === -1) digitMap[d] = free.shift()!;
      return { transpose, rowOrder, colOrder, digitMap };
    }
  }
  return undefined;
}

/** Givens per row (or per column). */
function lineCounts(g: ArrayLike<number>, rows: boolean): number[] {
  return Array.from({ length: N }, (_, k) => {
    let n = 0;
    for (let j = 0; j < N; j++) if (g[rows ? k * N + j : j * N + k]) n++;
    return n;
  });
}

/** The old lines that may become new line `placed.length`: any line of an unused band at a band's start, else of the current band. */
function nextLines(placed: number[]): number[] {
  const i = placed.length;
  const bands = i % 3 === 0 ? [0, 1, 2].filter((t) => !placed.some((p) => Math.floor(p / 3) === t)) : [Math.floor(placed[i - 1]! / 3)];
  return bands.flatMap((t) => [t * 3, t * 3 + 1, t * 3 + 2]).filter((k) => !placed.includes(k));
}

/** Every band/row order (new line i takes old line order[i]) whose lines keep b's given counts. */
function* orders(srcCounts: number[], bCounts: number[], placed: number[] = []): Generator<number[]> {
  const i = placed.length;
  if (i === N) return yield [...placed];
  for (const k of nextLines(placed)) {
    if (srcCounts[k] !== bCounts[i]) continue;
    placed.push(k);
    yield* orders(srcCounts, bCounts, placed);
    placed.pop();
  }
}

/** A column order mapping src (rows already ordered) onto b under one digit bijection, built column by column. */
function placeColumns(src: number[], b: ArrayLike<number>, rowOrder: number[], map: number[], inverse: number[], placed: number[] = []): number[] | undefined {
  const j = placed.length;
  if (j === N) return [...placed];
  for (const k of nextLines(placed)) {
    const added: number[] = [];
    let fits = true;
    for (let i = 0; i < N && fits; i++) {
      const x = src[rowOrder[i]! * N + k]!,
        y = b[i * N + j]!;
      if (map[x] === y) continue;
      if (map[x] !== -1 || inverse[y] !== -1) fits = false;
      else (map[x] = y), (inverse[y] = x), added.push(x);
    }
    if (fits) {
      placed.push(k);
      const done = placeColumns(src, b, rowOrder, map, inverse, placed);
      if (done) return done;
      placed.pop();
    }
    for (const x of added) (inverse[map[x]!] = -1), (map[x] = -1);
  }
  return undefined;
}
