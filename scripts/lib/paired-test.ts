/**
 * Two models on the same puzzles: which puzzles each solved, and McNemar's exact test of whether they
 * differ. Only the discordant puzzles (solved by one, not the other) carry information; under "no
 * difference" each is equally likely to fall either way, so the count one way is Binomial(b + c, 1/2).
 */
import { TrmError } from '../../model/errors.js';
import type { EvalReport } from './eval-report.js';

type SetResult = EvalReport['results'][number];

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
    const x = a[i] === '1',
      y = b[i] === '1';
    if (x && y) p.both++;
    else if (x) p.onlyA++;
    else if (y) p.onlyB++;
    else p.neither++;
  }
  return p;
}

/** The same puzzles in the same order: the fingerprints agree, or where a report predates them, the descriptions. */
const sameSet = (x: SetResult, y: SetResult) => (x.fingerprint && y.fingerprint ? x.fingerprint === y.fingerprint : x.data === y.data);

/**
 * The sets both reports evaluated, paired (labelled with A's description), and the others ("A: <description>").
 * `files` name the reports in errors. The sets must carry per-example results.
 */
export function pairSets(a: SetResult[], b: SetResult[], files: [string, string]): { rows: (Paired & { data: string; count: number })[]; unmatched: string[] } {
  const rows: (Paired & { data: string; count: number })[] = [];
  const paired = new Set<SetResult>();
  for (const x of a) {
    const y = b.find((r) => !paired.has(r) && sameSet(x, r));
    if (!y) continue;
    if (x.count !== y.count) {
      throw new TrmError(
        'invalid_data',
        `${x.data}: ${x.count} per-example results in ${files[0]} but ${y.count} in ${files[1]}: not the same puzzles (evaluate both with the same --data and --limit)`,
      );
    }
    paired.add(x).add(y);
    rows.push({ data: x.data, count: x.count, ...pair(x.solved!, y.solved!) });
  }
  const unmatched = [...a.filter((r) => !paired.has(r)).map((r) => `A: ${r.data}`), ...b.filter((r) => !paired.has(r)).map((r) => `B: ${r.data}`)];
  return { rows, unmatched };
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
