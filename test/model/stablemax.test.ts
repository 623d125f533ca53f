import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { logStablemax, stablemax, stablemaxCrossEntropy } from '../../model/core.js';
import { maxRelError } from '../../scripts/parity/run.js';
import { useWasmBackend } from '../helpers/backend.js';
import { FIXTURES } from '../helpers/paths.js';

useWasmBackend();

const ref = JSON.parse(readFileSync(join(FIXTURES, 'stablemax.json'), 'utf8'));
/** The official loss runs in float64; float32 agrees to ~1e-7 relative. */
const TOL = 1e-6;

describe('stablemax (official models/losses.py)', () => {
  const logits = () => tf.tensor3d(ref.logits_float32.flat(2), [3, 5, 7]);

  it('log_stablemax matches the float64 reference', () => {
    const ours = tf.tidy(() => logStablemax(logits()).dataSync());
    expect(maxRelError(ours, ref.log_stablemax_float64.flat(2))).toBeLessThan(TOL);
  });

  it('per-position cross-entropy matches, ignored (-100) positions are 0', () => {
    const ours = tf.tidy(() => stablemaxCrossEntropy(logits(), tf.tensor2d(ref.labels.flat(), [3, 5], 'int32')).dataSync());
    expect(maxRelError(ours, ref.stablemax_cross_entropy_float64.flat())).toBeLessThan(TOL);
    ref.labels.flat().forEach((l: number, i: number) => l === -100 && expect(ours[i]).toBe(0));
  });

  it('the ACTLossHead lm_loss reduction (mean over valid cells, summed over rows) matches', () => {
    const loss = tf.tidy(() => {
      const labels = tf.tensor2d(ref.labels.flat(), [3, 5], 'int32');
      const ce = stablemaxCrossEntropy(logits(), labels);
      const count = tf.maximum(tf.sum(tf.cast(tf.notEqual(labels, -100), 'float32'), -1), 1);
      return tf.sum(tf.div(tf.sum(ce, -1), count)).dataSync()[0]!;
    });
    expect(Math.abs(loss - ref.lm_loss_as_in_ACTLossHead) / ref.lm_loss_as_in_ACTLossHead).toBeLessThan(TOL);
  });

  it('probabilities are positive and sum to 1 per position', () => {
    const p = tf.tidy(() => stablemax(logits()).dataSync()) as Float32Array;
    for (let i = 0; i < 15; i++) {
      const row = p.subarray(i * 7, i * 7 + 7);
      expect(row.every((v) => v > 0)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });
});
