/**
 * npm run plot -- --run <run dir> [--out <file.svg>]
 *
 * Draws a training run's curves from its metrics.jsonl (losses, training and held-out accuracy,
 * supervision steps used) into an SVG; by default <run dir>/training.svg. Works while the run trains.
 */
import { join } from 'node:path';
import { readMetrics, readRunSpec, TRAINING_SVG, writeAtomic } from './lib/run-dir.js';
import { runCurvesSvg } from './lib/training-chart.js';
import { checkOutputFile, parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = 'usage: npm run plot -- --run <run dir> [--out <file.svg>]';

async function main(): Promise<number> {
  const o = parseOptions({ options: { run: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } } }).values;
  if (o.help) return (console.log(USAGE), 0);
  if (!o.run) throw new UsageError('--run is required');
  if (o.out) await checkOutputFile('out', o.out);
  const spec = await readRunSpec(o.run);
  const svg = await runCurvesSvg(o.run, spec, await readMetrics(o.run));
  const out = o.out ?? join(o.run, TRAINING_SVG);
  await writeAtomic(out, svg);
  console.log(`wrote ${out} (${svg.length.toLocaleString('en')} bytes)`);
  return 0;
}

runCli('plot', USAGE, main);
