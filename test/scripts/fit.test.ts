import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../model/config.js';
import { initWeights } from '../../model/train/init.js';
import { weightTensors } from '../../model/weights.js';
import { openEvalSet } from '../../scripts/lib/data-spec.js';
import { savePackage } from '../../scripts/lib/package.js';
import { useWasmBackend } from '../helpers/backend.js';
import { cli } from '../helpers/cli.js';

useWasmBackend();

const task = (c: number) => ({ train: [{ input: [[c, 0]], output: [[c, c]] }], test: [{ input: [[0, c]], output: [[c, c]] }] });

describe('test-time fit from the CLIs (solve --fit, eval --fit)', () => {
  let dir: string;
  let pkg: string;
  let base: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trm-fit-'));
    await writeFile(join(dir, 'x_a_challenges.json'), JSON.stringify({ t1: task(1), t2: task(2), t3: task(3), t4: task(4) }));
    base = `arc:${join(dir, 'x')}:subsets=a:test=a:aug=2:canvas=4`;
    // A random model trained "on" the spec without the two held-out tasks: its rows are that build's.
    const identifiers = (await openEvalSet(`${base}:holdout=2`)).arc!.identifiers;
    const config = validateConfig({
      vocab_size: 12,
      seq_len: 16,
      hidden_size: 32,
      num_heads: 2,
      H_cycles: 1,
      L_cycles: 1,
      halt_max_steps: 2,
      num_puzzle_identifiers: identifiers.length,
    });
    const weights = initWeights(config, 3);
    const model = { config, weights, source: { name: 'random', format: 'package' as const }, dispose: () => tf.dispose(weightTensors(weights)) };
    pkg = join(dir, 'arc-model');
    await savePackage(pkg, { model, task: 'arc', quantization: 'fp32', provenance: { source: 'test', created: 'now' }, arc: { identifiers }, title: 'random ARC model' });
    model.dispose();
    await writeFile(join(dir, 't1.json'), JSON.stringify(task(1)));
  });

  it('solve --fit fits a task the model never saw, then votes; without --fit it says how to fit', async () => {
    const fitted = await cli('solve', '--model', pkg, '--puzzle-file', join(dir, 't1.json'), '--fit', '3');
    expect(fitted.err).toBe('');
    expect(fitted.code).toBe(0);
    expect(fitted.out).toMatch(/fit +3\/3 {2}loss \d+\.\d{3} {2}demonstrations right \d+ %/);
    expect(fitted.out).toMatch(/fitted 9 rows for task t1 in \d+\.\d s/);
    expect(fitted.out).toMatch(/test input 1, attempt 1:/);
    const unknown = await cli('solve', '--model', pkg, '--puzzle-file', join(dir, 't1.json'));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no puzzle rows for ARC task "t1".*Fit the task first.*--fit <steps>; the edge API does not fit/);
    const nearest = await cli('solve', '--model', pkg, '--puzzle-file', join(dir, 't1.json'), '--fit', '0', '--fit-init', 'nearest');
    expect(nearest.code).toBe(0);
    expect(nearest.out).toMatch(/nearest known task t[34] \(demonstrations' loss \d+\.\d{3}\): the rows start from its row/);
    const badInit = await cli('solve', '--model', pkg, '--puzzle-file', join(dir, 't1.json'), '--fit', '1', '--fit-init', 'closest');
    expect(badInit.code).toBe(2);
    expect(badInit.err).toMatch(/--fit-init must be one of mean, blank, nearest, got "closest"/);
    const sudoku = await cli('solve', '--model', 'model/weights/sudoku', '--puzzle', '.'.repeat(81), '--fit', '2');
    expect(sudoku.code).toBe(2);
    expect(sudoku.err).toMatch(/--fit is for ARC tasks \(a sudoku model has no per-task rows to fit\)/);
  });

  it('eval --fit scores held-out tasks by fitting each; eval without it refuses a set built otherwise', async () => {
    const json = join(dir, 'fit.json');
    const r = await cli('eval', '--model', pkg, '--data', `${base}:heldout=2`, '--fit', '2', '--fit-init', 'blank', '--json', json);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/fit {5}2 updates per task of 16 demonstrations · rows start from zeros · lr 0.01 · seed 1/);
    expect(r.out).toMatch(/the 2 held out\): 2 tasks fitted · pass@1 \d+\.\d% · pass@2 \d+\.\d% · cells \d+\.\d% · \d+\.\d s per fit/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.fit).toEqual({ steps: 2, init: 'blank', batch: 16, lr: 0.01, seed: 1 });
    expect(report.results[0].tasks.map((t: { id: string }) => t.id).sort()).toEqual(['t1', 't2']);
    for (const t of report.results[0].tasks) {
      expect(t.pass2).toBeGreaterThanOrEqual(t.pass1);
      expect(t.cells).toBeGreaterThanOrEqual(t.pass1); // a right attempt 1 has every cell right
      expect(t.cells).toBeLessThanOrEqual(1);
    }
    const refused = await cli('eval', '--model', pkg, '--data', `${base}:heldout=2`);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/its puzzle identifiers are not the model's .*for tasks it never saw, use --fit/);
    expect((await cli('eval', '--model', pkg, '--data', `${base}:holdout=2`)).code).toBe(0);
  });
});
