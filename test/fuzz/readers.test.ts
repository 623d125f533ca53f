/**
 * Untrusted input never escapes as a raw exception: every surface that reads outside data, fuzzed
 * from real files with a fixed seed (scripts/lib/fuzz/; `npm run fuzz` runs it long), and every
 * defect fuzzing found, kept as its recipe.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { TrmError } from '../../model/errors.js';
import type { Recipe } from '../../scripts/lib/fuzz/mutate.js';
import { fuzz } from '../../scripts/lib/fuzz/run.js';
import { SURFACES } from '../../scripts/lib/fuzz/surfaces.js';
import { useWasmBackend } from '../helpers/backend.js';

useWasmBackend();

const RUNS = 2000;
const REGRESSIONS = JSON.parse(readFileSync(join(import.meta.dirname, 'regressions.json'), 'utf8')) as { name: string; was: string; surface: string; recipe: Recipe }[];

describe.each(SURFACES.map((s) => [s.name, s] as const))('fuzzing %s', (_, surface) => {
  it(`${RUNS} mutants of real files: each loads, or is refused with a TrmError, within 5 s and without leaking tensors`, async () => {
    const r = await fuzz(surface, { runs: RUNS, seed: 20261203 });
    expect(r.failure, r.failure && `${r.failure.error}\nrecipe: ${JSON.stringify(r.failure.recipe)}`).toBeUndefined();
    const refused = Object.values(r.refused).reduce((a, b) => a + b, 0);
    expect(r.loaded + refused).toBe(RUNS);
    expect(refused).toBeGreaterThan(RUNS / 4); // the mutants reach the checks
  });
});

describe('defects fuzzing found stay fixed', () => {
  it.each(REGRESSIONS.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const surface = SURFACES.find((s) => s.name === c.surface)!;
    const { build } = await surface.prepare();
    const before = tf.memory().numTensors;
    const started = performance.now();
    const error = await surface.load(build(c.recipe)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, `it loaded; it once gave ${c.was}`).toBeInstanceOf(TrmError);
    expect((error as TrmError).message).toMatch(/^mutant|^arc:|mutant\.npy|^--data/); // says where
    expect(performance.now() - started).toBeLessThan(5000);
    expect(tf.memory().numTensors).toBe(before);
  });
});
