import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFixture } from '../../scripts/parity/fixture.js';
import { runParity, TOLERANCE } from '../../scripts/parity/run.js';
import { useWasmBackend } from '../helpers/backend.js';
import { cli } from '../helpers/cli.js';
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

const parityCli = (fixtures: string) => cli('parity', '--fixtures', fixtures).then((r) => ({ code: r.code, out: r.out + r.err }));

describe('npm run parity', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'trm-parity-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes on both fixture configs and prints one row per config and quantity', async () => {
    const { code, out } = await parityCli(FIXTURES);
    expect(code).toBe(0);
    expect(out).toMatch(/sudoku-mlp-small\s+step 1 logits\s+\d\.\d\de-\d+/);
    expect(out).toMatch(/grid-att-small\s+step 1 logits/);
    expect(out).toMatch(/(\d+)\/\1 checks pass/);
  });

  it('falls back to argmax agreement and halting for a folder without .bin files and with fewer steps', async () => {
    const dir = join(scratch, 'reduced');
    cpSync(join(FIXTURES, 'sudoku-mlp-small'), dir, { recursive: true });
    rmSync(join(dir, 'eval_steps.bin'));
    rmSync(join(dir, 'train_step.bin'));
    const steps = JSON.parse(readFileSync(join(dir, 'eval_steps.json'), 'utf8'));
    steps.steps = steps.steps.slice(0, 2);
    writeFileSync(join(dir, 'eval_steps.json'), JSON.stringify(steps));
    const { code, out } = await parityCli(dir);
    expect(code).toBe(0);
    expect(out).toMatch(/step 2 chained \(runSteps\) argmax predictions\s+100\.00%/);
    expect(out).not.toMatch(/teacher-forced/);
    expect(out).not.toMatch(/step 3/);
  });

  it('exits non-zero when a recorded quantity is past tolerance', async () => {
    const dir = join(scratch, 'perturbed');
    cpSync(join(FIXTURES, 'grid-att-small'), dir, { recursive: true });
    const steps = JSON.parse(readFileSync(join(dir, 'eval_steps.json'), 'utf8'));
    steps.steps[0].logits[0][0][0] += 0.05;
    writeFileSync(join(dir, 'eval_steps.json'), JSON.stringify(steps));
    const { code, out } = await parityCli(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/step 1 logits\s+\S+\s+≤ 1e-4\s+FAIL/);
  });

  it('exits 2 with a message for a folder that holds no fixture', async () => {
    const { code, out } = await parityCli(scratch + '/missing');
    expect(code).toBe(2);
    expect(out).toMatch(/no fixture folder/);
  });
});
