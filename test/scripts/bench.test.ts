import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { cli } from '../helpers/cli.js';

describe('npm run bench', () => {
  it('prints its usage on --help, like every CLI', async () => {
    const help = await cli('bench', '--help');
    expect([help.code, help.out]).toEqual([0, expect.stringMatching(/^usage: npm run bench \[-- --json <file>\] \[--md <file>\] \[--quick\]/)]);
  });

  it('fails before measuring anything when Chromium is missing (never skips the browser section)', async () => {
    const run = promisify(execFile)('npx', ['tsx', 'scripts/bench.ts', '--quick'], { cwd: ROOT, env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' } });
    const e = await run.then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(e?.code).toBe(1);
    expect(e?.stderr).toMatch(/Chromium not found \(CHROMIUM_PATH=\/nonexistent\/chromium\): install it/);
    expect(e?.stdout).not.toMatch(/ceiling/);
  });
});

describe('npm run bench -- --quick', () => {
  it('runs every section (ceiling, inference wasm and cpu, training 1 and N workers, edge, browser) and writes JSON and markdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trm-bench-'));
    try {
      const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/bench.ts', '--quick', '--json', join(dir, 'b.json'), '--md', join(dir, 'b.md')], {
        cwd: ROOT,
        maxBuffer: 1 << 24,
      });
      expect(stdout).toMatch(/ceiling: wasm matMul/);
      const report = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
      expect(report.ceiling.gflops).toBeGreaterThan(0);
      expect(report.ceilings).toHaveLength(2); // before and after the inference sections; the higher is kept
      expect(report.ceiling.gflops).toBe(Math.max(...report.ceilings));
      expect(new Set(report.inference.map((r: { backend: string }) => r.backend))).toEqual(new Set(['wasm', 'cpu']));
      expect(new Set(report.inference.map((r: { what: string }) => r.what))).toEqual(new Set(['application', 'step', 'solve']));
      // In process, one worker thread, and one thread per core (the CI machines have 2 cores).
      expect(report.training.map((r: { workers: number; threads: boolean }) => `${r.workers}/${r.threads}`)).toEqual(['1/false', '1/true', `${availableParallelism()}/true`]);
      expect(report.edge.rows.map((r: { task: string; halt: string }) => `${r.task}/${r.halt}`)).toEqual(['sudoku/q', 'sudoku/never', 'maze/q', 'maze/never']);
      // Headless Chromium: both models, in a worker and on the main thread, with Node's time for the same puzzles.
      expect(report.browser.rows.map((r: { task: string; thread: string }) => `${r.task}/${r.thread}`)).toEqual(['sudoku/worker', 'sudoku/main', 'maze/worker', 'maze/main']);
      for (const r of report.browser.rows) for (const t of [r.readyMs, r.firstSolveMs, r.solveMs, r.nodeMs]) expect(t.median).toBeGreaterThan(0);
      const md = readFileSync(join(dir, 'b.md'), 'utf8');
      expect(md).toMatch(/\| model \| backend \| batch \| unit \|/);
      expect(md).toMatch(/\| sudoku \| worker \| 1 \| \d+ \| \d+ \| \d+ \|/);
      expect(md).toMatch(/Page ÷ Node \(warm solve medians\): sudoku \d+\.\d\d× in a worker, \d+\.\d\d× on the main thread · maze \d+\.\d\d× in a worker, /);
      expect(md).toMatch(/Speed-up \(threaded rows.*\): sudoku-mlp-cpu: \d+ threads ÷ 1 thread = \*\*\d+\.\d\d×\*\*/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
