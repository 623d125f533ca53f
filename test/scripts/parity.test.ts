/** `npm run parity`: the parity CLI's table, fallbacks and exit codes. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/paths.js';

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
    const { code, out } = await parityCli(`${scratch}/missing`);
    expect(code).toBe(2);
    expect(out).toMatch(/no fixture folder/);
  });
});
