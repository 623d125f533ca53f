/**
 * npm run compare -- <a.json> <b.json>
 *
 * Two `npm run eval -- --json` reports, puzzle by puzzle: for every set both evaluated, how many puzzles
 * each solved, how many only one of them did, and McNemar's exact p-value for the difference (a paired
 * test: the same puzzles, so their difficulty cancels). Exit 0, or 2 on bad input.
 */
import { TrmError } from '../model/errors.js';
import { readEvalReport, type EvalReport } from './lib/eval-report.js';
import { mcnemarExact, pairSets, type Paired } from './lib/paired-test.js';
import { parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run compare -- <a.json> <b.json>

  <a.json> <b.json>   reports written by npm run eval -- --json (e.g. the shipped package's and a candidate's)

Sets are matched by the puzzles they hold (a fingerprint of their examples; in reports written before
fingerprints, by their description). For each, and for all matched sets together: puzzles solved by A, by B, by both, by only one, and the two-sided exact McNemar p-value.`;

/** Both reports with per-example results, which the pairing needs. */
async function readPaired(file: string): Promise<EvalReport> {
  const report = await readEvalReport(file);
  const old = report.results.find((set) => set.solved === undefined);
  if (old) throw new TrmError('invalid_data', `${file}: ${old.data} has no per-example results (the report predates them): run npm run eval again`);
  return report;
}

async function main(): Promise<number> {
  const { values: o, positionals } = parseOptions({ options: { help: { type: 'boolean' } }, allowPositionals: true });
  if (o.help) return (console.log(USAGE), 0);
  if (positionals.length !== 2) throw new UsageError(`two reports are needed, got ${positionals.length}`);
  const [fileA, fileB] = positionals as [string, string];
  const [a, b] = await Promise.all([readPaired(fileA), readPaired(fileB)]);
  const { rows, unmatched } = pairSets(a.results, b.results, [fileA, fileB]);
  if (!rows.length) throw new TrmError('invalid_data', `no set is in both reports (A: ${a.results.map((r) => r.data).join('; ')} · B: ${b.results.map((r) => r.data).join('; ')})`);

  const describe = (r: EvalReport) => `${r.model} (${r.quantization ?? 'fp32'}, halt ${r.halt}${r.tries ? `, ${r.tries} tries` : ''})`;
  console.log(`A  ${fileA}: ${describe(a)}\nB  ${fileB}: ${describe(b)}\n`);
  console.log(`${'set'.padEnd(60)}      n      A      B   both  only A  only B  p (McNemar)`);
  const line = (label: string, r: Paired & { count: number }) =>
    console.log(
      `${label.slice(0, 60).padEnd(60)} ${[r.count, r.both + r.onlyA, r.both + r.onlyB, r.both].map((v) => String(v).padStart(6)).join(' ')}  ${String(r.onlyA).padStart(6)}  ${String(r.onlyB).padStart(6)}  ${mcnemarExact(r.onlyA, r.onlyB).toPrecision(2).padStart(11)}`,
    );
  for (const r of rows) line(r.data, r);
  if (rows.length > 1) {
    const sum = (k: 'count' | keyof Paired) => rows.reduce((s, r) => s + r[k], 0);
    line(`all ${rows.length} sets`, { count: sum('count'), both: sum('both'), onlyA: sum('onlyA'), onlyB: sum('onlyB'), neither: sum('neither') });
  }
  if (unmatched.length) console.log(`\nnot in both, not compared: ${unmatched.join(' · ')}`);
  return 0;
}

runCli('compare', USAGE, main);
