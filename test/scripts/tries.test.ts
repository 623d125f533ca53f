/**
 * Test-time tries through the CLIs, on the shipped Sudoku package: npm run eval and npm run solve take
 * --halt verified and --tries, the report records them, and npm run export --package puts the rows
 * on a package's card with the weights untouched.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { dataLines, ROOT } from '../helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'trm-tries-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MODEL = join(ROOT, 'model/weights/sudoku');
const HARD = 'sudoku:../shared/data/sudoku/kaggle-3m-curated-5000:from=3000:count=12';
const read = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

describe('--tries in the CLIs', () => {
  it('npm run eval: verified tries solve more than one run, and the report says how (tries, seed, compute)', async () => {
    const [one, four] = [join(scratch, 'one.json'), join(scratch, 'four.json')];
    const a = await cli('eval', '--model', MODEL, '--data', HARD, '--json', one);
    expect(a.code, a.err).toBe(0);
    const b = await cli('eval', '--model', MODEL, '--data', HARD, '--halt', 'verified', '--tries', '4', '--seed', '3', '--json', four);
    expect(b.code, b.err).toBe(0);
    expect(b.out).toMatch(/halt verified · 4 tries \(seed 3\) · 8 steps max · batch 32/);
    expect(b.out).toMatch(/mean steps {2}all copies/);
    const [r1, r4] = [read(one), read(four)];
    expect(r1.tries).toBeUndefined();
    expect(r4).toMatchObject({ halt: 'verified', tries: 4, seed: 3 });
    const [x1, x4] = [r1.results[0], r4.results[0]];
    expect(x4.exactAccuracy).toBeGreaterThan(x1.exactAccuracy);
    expect(x4.validAccuracy).toBe(x4.exactAccuracy); // one solution per puzzle: valid is right
    expect(x4.meanWork).toBeGreaterThanOrEqual(x4.meanSteps);
    expect(x4.meanWork).toBeLessThanOrEqual(4 * 8);
    expect(x1.meanWork).toBe(x1.meanSteps);
    // The same seed gives a puzzle the same copies in any batch, so the same answers at another --batch.
    const again = join(scratch, 'again.json');
    expect((await cli('eval', '--model', MODEL, '--data', HARD, '--halt', 'verified', '--tries', '4', '--seed', '3', '--batch', '5', '--json', again)).code).toBe(0);
    expect(read(again).results[0].solved).toBe(x4.solved);
  });

  it('npm run export --package adds the rows to a copy of the package: card and model.json, weights untouched', async () => {
    const pkg = join(scratch, 'pkg');
    cpSync(MODEL, pkg, { recursive: true });
    const rowsBefore = read(join(pkg, 'model.json')).userDefinedMetadata.trmEdge.provenance.metrics.evaluations.length;
    const r = await cli('export', '--package', pkg, '--evals', join(scratch, 'four.json'));
    expect(r.code, r.err).toBe(0);
    const card = readFileSync(join(pkg, 'README.md'), 'utf8');
    const row = read(join(scratch, 'four.json')).results[0];
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    expect(card).toContain(`| ${row.data} | 12 | verified · 4 tries · seed 3 | int8 | ${pct(row.exactAccuracy)} |`);
    expect(card).toContain(`| ${row.meanSteps.toFixed(2)} | ${row.meanWork.toFixed(2)} |`);
    expect(card).toMatch(/\| mean steps \| steps, all copies \|/);
    expect(card.split('\n')[0]).toBe(readFileSync(join(MODEL, 'README.md'), 'utf8').split('\n')[0]); // the title kept
    expect(readFileSync(join(pkg, 'group1-shard1of1.bin'))).toEqual(readFileSync(join(MODEL, 'group1-shard1of1.bin')));
    // Again: the row is replaced, not added twice.
    expect((await cli('export', '--package', pkg, '--evals', join(scratch, 'four.json'))).code).toBe(0);
    expect(read(join(pkg, 'model.json')).userDefinedMetadata.trmEdge.provenance.metrics.evaluations).toHaveLength(rowsBefore + 1);
    // The package still loads and solves.
    const s = await cli('solve', '--model', pkg, '--puzzle', dataLines('sudoku/kaggle-3m-curated-5000/puzzles.txt.gz')[3001]!, '--halt', 'verified', '--tries', '4');
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/copy \d of 4 \(\d+ steps over all copies\)/);
  });

  it.each([
    [['eval', '--model', MODEL, '--data', HARD, '--tries', '0'], /--tries must be an integer ≥ 1, got "0"/],
    [['eval', '--model', MODEL, '--data', HARD, '--halt', 'soon'], /--halt must be one of never, q, verified/],
    [['eval', '--model', MODEL, '--data', HARD, '--seed', '1.5'], /--seed must be an integer ≥ 0, got "1.5"/],
    // Checked before the evaluation runs, not after it.
    [['eval', '--model', MODEL, '--data', HARD, '--json', join(scratch, 'nodir', 'x.json')], /--json .*nodir\/x\.json: folder .*nodir does not exist/],
    [['eval', '--model', MODEL, '--data', HARD, '--config', join(ROOT, 'package.json')], /--config: .*sudoku is a package, which carries its own config/],
    [['import', 'step_1', '--task', 'sudoku', '--identifiers', join(ROOT, 'README.md')], /--identifiers .*README\.md: not JSON \(/],
    [['export', '--package', join(ROOT, 'scripts'), '--evals', join(ROOT, 'package.json')], /not an npm run eval report/],
    [['export', '--package', join(ROOT, 'scripts'), '--evals', join(scratch, 'four.json')], /scripts: no model.json \(a package folder holds model.json/],
    [['export', '--package', join(ROOT, 'test')], /--package needs --evals or --notes/],
    [['export', '--package', MODEL, '--run', 'x', '--evals', 'y'], /give --run .* or --package .*, not both/],
  ])('exits 2 with the reason: %#', async (args, message) => {
    const [script, ...rest] = args as string[];
    const r = await cli(script!, ...rest);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
