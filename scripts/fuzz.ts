/**
 * npm run fuzz -- [--surface <name|all>] [--runs N] [--seed S] [--timeout-ms T] [--out <folder>]
 *
 * Mutates real files (the shared fixtures, the shipped packages, the official dataset arrays) and
 * feeds them to the readers: each mutant must load or be refused with a TrmError within the time
 * bound. Prints per surface the cases loaded and refused (by code); on a raw exception or a
 * time-out, the smallest mutant fast-check shrank it to, which is also written to --out so it can
 * become a regression test. Exit 0 when every surface held, 1 when one did not, 2 on bad options.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../model/runtime/node-backend.js';
import { fuzz } from './lib/fuzz/run.js';
import { SURFACES } from './lib/fuzz/surfaces.js';
import { integer, parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run fuzz -- [--surface <name|all>] [--runs N] [--seed S] [--timeout-ms T] [--out <folder>]

  --surface <name>  one of ${SURFACES.map((s) => s.name).join(', ')}, or all (default)
  --runs <n>        mutants per surface (default 1000)
  --seed <s>        fast-check seed (default: the time; printed, so a run can be repeated)
  --timeout-ms <t>  how long one load may take (default 5000)
  --out <folder>    where a failing mutant is written (default runs/fuzz)`;

async function main(): Promise<number> {
  const o = parseOptions({
    options: {
      surface: { type: 'string', default: 'all' },
      runs: { type: 'string', default: '1000' },
      seed: { type: 'string' },
      'timeout-ms': { type: 'string', default: '5000' },
      out: { type: 'string', default: 'runs/fuzz' },
      help: { type: 'boolean', default: false },
    },
  }).values;
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const chosen = o.surface === 'all' ? SURFACES : SURFACES.filter((s) => s.name === o.surface);
  if (!chosen.length) throw new UsageError(`--surface ${o.surface}: not one of ${SURFACES.map((s) => s.name).join(', ')}, all`);
  const runs = integer('runs', o.runs!, 1);
  const seed = integer('seed', o.seed, 0) ?? Date.now() % 2 ** 31;
  const timeoutMs = integer('timeout-ms', o['timeout-ms']!, 1);
  await initBackend('wasm');
  let failed = 0;
  for (const surface of chosen) {
    const r = await fuzz(surface, { runs, seed, timeoutMs });
    const refused = Object.entries(r.refused)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    console.log(
      `${surface.name.padEnd(12)} ${r.failure ? 'FAILED' : 'held  '} ${runs} mutants (seed ${seed}, ${(r.ms / 1000).toFixed(1)} s): loaded ${r.loaded}, refused ${refused || 0}`,
    );
    if (r.failure) {
      failed++;
      await mkdir(o.out!, { recursive: true });
      const file = join(o.out!, `${surface.name}-${seed}.bin`);
      await writeFile(file, r.failure.bytes);
      console.log(
        `  escaped: ${r.failure.error}\n  smallest mutant (a regression case for test/fuzz/regressions.json): ${JSON.stringify({ surface: surface.name, recipe: r.failure.recipe })}\n  written to ${file} (${r.failure.bytes.length} bytes)`,
      );
    }
  }
  return failed ? 1 : 0;
}

runCli('fuzz', USAGE, main);
