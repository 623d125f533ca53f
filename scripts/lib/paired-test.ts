/**
 * Two models on the same puzzles: which puzzles each solved, and McNemar's exact test of whether they
 * differ. Only the discordant puzzles (solved by one, not the other) carry information; under "no
 * difference" each is equally likely to fall either way, so the count one way is Binomial(b + c, 1/2).
 */

export interface Paired {
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
}

/** Pairs two per-example strings of '1' (solved) and '0', as `npm run eval -- --json` writes them. */
export function pair(a: string, b: string): Paired {
  if (a.length !== b.length) throw new RangeError(`per-example results of different lengths (${a.length} and ${b.length})`);
  const p: Paired = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === '1', y = b[i] === '1';
    if (x && y) p.both++;
    else if (x) p.onlyA++;
    else if (y) p.onlyB++;
    else p.neither++;
  }
  return p;
}

/** Two-sided exact McNemar p-value: 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, 1/2), capped at 1. */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  // In logs: 2^-n underflows for the thousands of puzzles a card's sets hold.
  const terms: number[] = [];
  let logChoose = 0; // log C(n, 0)
  for (let k = 0; k <= Math.min(b, c); k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    terms.push(logChoose - n * Math.LN2);
  }
  const top = Math.max(...terms);
  const tail = Math.exp(top) * terms.reduce((s, t) => s + Math.exp(t - top), 0);
  return Math.min(1, 2 * tail);
}
