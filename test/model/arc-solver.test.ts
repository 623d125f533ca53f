import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../model/index.js';
import { solveArc } from '../../model/arc-solver.js';
import { initWeights } from '../../model/train/init.js';
import { packModel } from '../../model/pack/write.js';
import { containerHandler, packContainer } from '../../model/pack/container.js';
import { loadPackage } from '../../model/pack/read.js';
import { namedWeights, weightTensors } from '../../model/weights.js';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../helpers/backend.js';

useWasmBackend();

/** A small random ARC-shaped model whose puzzle rows name two tasks, one with an augmented version. */
async function arcPackage() {
  const config = validateConfig({ vocab_size: 12, seq_len: 900, hidden_size: 32, num_heads: 2, H_cycles: 1, L_cycles: 1, halt_max_steps: 2, num_puzzle_identifiers: 4 });
  const weights = initWeights(config, 5);
  const arrays = new Map([...namedWeights(weights)].map(([n, t]) => [n, t.dataSync() as Float32Array]));
  tf.dispose(weightTensors(weights));
  const identifiers = ['<blank>', 'aaa', 'aaa|||t1|||0213456789', 'bbb'];
  const packed = await packModel({ task: 'arc', config, weights: arrays, quantization: 'fp32', provenance: { source: 'test', created: 'now' }, arc: { identifiers } });
  return loadPackage(containerHandler(packContainer(packed)));
}

describe('ARC solving with a package (augmentation voting)', () => {
  it('runs every known version of the task and returns two attempts per test input', async () => {
    const pkg = await arcPackage();
    const before = tf.memory().numTensors;
    const answer = await solveArc(pkg, 'aaa', { train: [], test: [{ input: [[1, 2], [3, 4]] }, { input: [[5]], output: [[5]] }] });
    expect(answer.versions).toBe(2);
    expect(answer.steps).toBe(2);
    expect(answer.attempts).toHaveLength(2);
    for (const a of answer.attempts) {
      expect(Array.isArray(a.attempt_1)).toBe(true);
      expect(a.votes).toBeGreaterThanOrEqual(1);
      expect(a.votes).toBeLessThanOrEqual(2);
    }
    expect(answer.verified).toBe(false); // a random model; and the first input has no output to check
    expect(tf.memory().numTensors).toBe(before);
    pkg.dispose();
  });

  it('refuses a task the model has no rows for, and grids that are not ARC grids', async () => {
    const pkg = await arcPackage();
    await expect(solveArc(pkg, 'zzz', { train: [], test: [{ input: [[1]] }] })).rejects.toThrow(/no puzzle rows for ARC task "zzz" \(it was trained on 2 tasks/);
    await expect(solveArc(pkg, 'aaa', { train: [], test: [{ input: [[1, 12]] }] })).rejects.toThrow(/puzzle\.test\.0\.input\[0\]\[1\] is 12/);
    pkg.dispose();
  });
});
