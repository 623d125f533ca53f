/**
 * An independent Sudoku oracle for tests: plain backtracking over cells in order, no propagation
 * (nothing shared with model/data/sudoku-solver.ts). Counts solutions up to `limit`.
 */
export function countSolutions(grid: Uint8Array, limit = 2): number {
  const g = Array.from(grid);
  const ok = (c: number, d: number) => {
    const [r, k] = [Math.floor(c / 9), c % 9];
    for (let i = 0; i < 9; i++) {
      if (g[r * 9 + i] === d || g[i * 9 + k] === d) return false;
      const b = (Math.floor(r / 3) * 3 + Math.floor(i / 3)) * 9 + Math.floor(k / 3) * 3 + (i % 3);
      if (g[b] === d) return false;
    }
    return true;
  };
  let found = 0;
  const walk = (c: number): void => {
    if (found >= limit) return;
    if (c === 81) {
      found++;
      return;
    }
    if (g[c]) {
      walk(c + 1);
      return;
    }
    for (let d = 1; d <= 9; d++) {
      if (!ok(c, d)) continue;
      g[c] = d;
      walk(c + 1);
      g[c] = 0;
    }
  };
  walk(0);
  return found;
}
