import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mcnemarExact, pair, pairSets } from '../../scripts/lib/paired-test.js';
import { cli } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'trm-compare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Binomial(n, 1/2) tail by exact integer arithmetic: the reference the log-space version must meet. */
function exactTail(b: number, c: number): number {
  const n = BigInt(b + c);
  let choose = 1n,
    sum = 0n;
  for (let k = 0n; k <= BigInt(Math.min(b, c)); k++) {
    if (k > 0n) choose = (choose * (n - k + 1n)) / k;
    sum += choose;
  }
  const p = Number((2n * sum * 10n ** 18n) / 2n ** n) / 1e18;
  return Math.min(1, p);
}

describe('paired test', () => {
  it('pairs per-example results and rejects different lengths', () => {
    expect(pair('1100', '1010')).toEqual({ both: 1, onlyA: 1, onlyB: 1, neither: 1 });
    expect(() => pair('11', '1')).toThrow('per-example results of different lengths (2 and 1)');
  });

  it('pairs sets by the fingerprint of their puzzles, by description only in reports that predate fingerprints', () => {
    const set = (data: string, solved: string, fingerprint?: string) => ({
      data,
      count: solved.length,
      exactAccuracy: 0,
      tokenAccuracy: 0,
      meanSteps: 1,
      solved,
      ...(fingerprint ? { fingerprint } : {}),
    });
    const [f1, f2] = ['1'.repeat(64), '2'.repeat(64)];
    // ARC descriptions omit the files and the seed: alike, yet other puzzles; the same puzzles under other descriptions still pair.
    const { rows, unmatched } = pairSets(
      [set('ARC eval test split (4 of 4 rows, 8 augmentations)', '1100', f1), set('kaggle #0-1 (2 of 5)', '10', f2)],
      [set('ARC eval test split (4 of 4 rows, 8 augmentations)', '1010', 'f'.repeat(64)), set('renamed #0-1 (2 of 5)', '11', f2)],
      ['a.json', 'b.json'],
    );
    expect(rows).toEqual([{ data: 'kaggle #0-1 (2 of 5)', count: 2, both: 1, onlyA: 0, onlyB: 1, neither: 0 }]);
    expect(unmatched).toEqual(['A: ARC eval test split (4 of 4 rows, 8 augmentations)', 'B: ARC eval test split (4 of 4 rows, 8 augmentations)']);
    expect(pairSets([set('set one', '10')], [set('set one', '11', f1)], ['a.json', 'b.json']).rows).toHaveLength(1);
    expect(() => pairSets([set('set one', '10')], [set('set one', '110')], ['a.json', 'b.json'])).toThrow(
      'set one: 2 per-example results in a.json but 3 in b.json: not the same puzzles',
    );
  });

  it('gives the exact two-sided McNemar p-value, also where 2^-n underflows', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(3, 3)).toBe(1);
    expect(mcnemarExact(0, 5)).toBeCloseTo(2 / 32, 15);
    expect(mcnemarExact(9, 1)).toBeCloseTo((2 * 11) / 1024, 15);
    for (const [b, c] of [
      [30, 50],
      [70, 95],
      [40, 93],
      [600, 700],
      [1200, 1300],
    ] as const) {
      expect(mcnemarExact(b, c)).toBeCloseTo(exactTail(b, c), 12);
      expect(mcnemarExact(c, b)).toBe(mcnemarExact(b, c));
    }
  });
});

describe('npm run compare', () => {
  const report = (file: string, model: string, sets: [string, string][]) => {
    writeFileSync(
      join(scratch, file),
      JSON.stringify({
        model,
        quantization: 'int8',
        halt: 'never',
        results: sets.map(([data, solved]) => ({ data, count: solved.length, exactAccuracy: 0, tokenAccuracy: 0, meanSteps: 8, solved })),
      }),
    );
    return join(scratch, file);
  };

  it('pairs the sets both reports evaluated and tests each and all together', async () => {
    const a = report('a.json', 'shipped', [
      ['set one', '1111100000'],
      ['set two', '10'],
      ['only in A', '1'],
    ]);
    const b = report('b.json', 'candidate', [
      ['set two', '11'],
      ['set one', '1000011111'],
    ]);
    const r = await cli('compare', a, b);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('shipped (int8, halt never)');
    const row = (label: string) =>
      r.out
        .split('\n')
        .find((l) => l.startsWith(label))!
        .slice(60)
        .trim()
        .split(/\s+/);
    // n, A, B, both, only A, only B, p
    expect(row('set one')).toEqual(['10', '5', '6', '1', '4', '5', String(mcnemarExact(4, 5).toPrecision(2))]);
    expect(row('set two')).toEqual(['2', '1', '2', '1', '0', '1', '1.0']);
    expect(row('all 2 sets')).toEqual(['12', '6', '8', '2', '4', '6', mcnemarExact(4, 6).toPrecision(2)]);
    expect(r.out).toContain('not in both, not compared: A: only in A');
  });

  it('exits 2 naming what is wrong: a missing report, a report without per-example results, no common set', async () => {
    const a = report('c.json', 'm', [['set one', '10']]);
    const missing = await cli('compare', a, join(scratch, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.json: not a readable JSON file/);
    const old = join(scratch, 'old.json');
    writeFileSync(old, JSON.stringify({ model: 'm', halt: 'never', results: [{ data: 'set one', count: 2, exactAccuracy: 0.5, tokenAccuracy: 0.9, meanSteps: 8 }] }));
    const noSolved = await cli('compare', a, old);
    expect(noSolved.code).toBe(2);
    expect(noSolved.err).toContain('old.json: set one has no per-example results (the report predates them): run npm run eval again');
    const notReport = join(scratch, 'not.json');
    writeFileSync(notReport, JSON.stringify({ model: 'm', results: [] }));
    const bad = await cli('compare', a, notReport);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not\.json: not an npm run eval report \(halt: /);
    const disjoint = await cli('compare', a, report('d.json', 'm', [['set two', '1']]));
    expect(disjoint.code).toBe(2);
    expect(disjoint.err).toContain('no set is in both reports');
    const one = await cli('compare', a);
    expect(one.code).toBe(2);
    expect(one.err).toContain('two reports are needed, got 1');
  });
});
