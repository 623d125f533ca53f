import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../scripts/parity/fixture.js';
import { runParity, TOLERANCE } from '../../scripts/parity/run.js';
import { useWasmBackend } from '../helpers/backend.js';
import { FIXTURES } from '../helpers/paths.js';

useWasmBackend();

describe.each(['sudoku-mlp-small', 'grid-att-small'])('parity with the official code: %s', (name) => {
  it('matches every recorded quantity within its tolerance', async () => {
    const rows = await runParity(await readFixture(join(FIXTURES, name)));
    const failed = rows.filter((r) => !r.pass);
    expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
    const quantities = rows.map((r) => r.quantity);
    // The suite really covers what the issue asks: formats, x, first application, step 1, teacher-forced steps, chained argmax.
    expect(quantities).toContain('input_embeddings x');
    expect(quantities).toContain('first application net(L_init, H_init + x)');
    expect(quantities).toContain('step 1 logits');
    expect(quantities).toContain('step 1 q_halt');
    expect(quantities.some((q) => q.startsWith('step 2 (teacher-forced'))).toBe(true);
    expect(quantities.some((q) => q.includes('chained (runSteps) argmax'))).toBe(true);
    expect(rows[0]!.quantity).toMatch(/step_0 ≡ step_0\.safetensors/);
    const step1 = rows.find((r) => r.quantity === 'step 1 logits')!;
    expect(step1.maxRelError).toBeLessThan(TOLERANCE.step);
  });
});
