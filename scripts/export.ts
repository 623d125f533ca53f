/**
 * npm run export -- --run <run dir> [--quant int8|fp16|fp32] [--out <dir|file.trm>] [--evals <eval.json>]... [--title <text>] [--notes <file.md>]
 * npm run export -- --package <dir> --evals <eval.json>... [--notes <file.md>] [--title <text>]
 *
 * Packages a training run's EMA weights with its provenance (data, hyper-parameters, steps, wall
 * time), its training curves and, when given, the results of `npm run eval -- --json` for the model card.
 * With --package, puts new evaluations (and notes) on an existing package's card, weights untouched.
 */
import { basename } from 'node:path';
import { TrmError, type TaskName, type TrmConfig } from '../model/index.js';
import { QUANTIZATIONS, type Quantization } from '../model/pack/format.js';
import type { CardEvaluation } from '../model/pack/card.js';
import { initBackend } from '../model/runtime/node-backend.js';
import { loadCheckpointFile } from '../model/runtime/node-files.js';
import { describeData, readMetrics, readRunSpec } from './lib/run-dir.js';
import { openEvalSet } from './lib/data-spec.js';
import { checkReportModel, readEvalReport, type EvalReport } from './lib/eval-report.js';
import { readPackageFolder, recardPackage, savePackage } from './lib/package.js';
import { runCurvesSvg } from './lib/training-chart.js';
import { parseOptions, readOptionFile, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run export -- --run <run dir> [--quant int8|fp16|fp32] [--out <dir|file.trm>] [--evals <eval.json>]... [--title <text>] [--notes <file.md>] [--force]
       npm run export -- --package <dir> --evals <eval.json>... [--notes <file.md>] [--title <text>]

  --package <dir>   adds evaluations to a package folder's card (a row replaces one of the same data, halt,
                    tries, seed and weights) and replaces its notes when --notes is given; the weights are untouched`;

type Reports = { file: string; report: EvalReport }[];
const readReports = (files: string[] = []): Promise<Reports> => Promise.all(files.map(async (file) => ({ file, report: await readEvalReport(file) })));

/** Card rows from \`npm run eval -- --json\` reports of a model with this config. */
function cardRows(reports: Reports, config: TrmConfig): CardEvaluation[] {
  const rows: CardEvaluation[] = [];
  for (const { file, report } of reports) {
    checkReportModel(file, report, config);
    for (const r of report.results) {
      rows.push({
        data: r.data,
        count: r.count,
        halt: report.halt,
        exactAccuracy: r.exactAccuracy,
        tokenAccuracy: r.tokenAccuracy,
        validAccuracy: r.validAccuracy,
        meanSteps: r.meanSteps,
        ...(report.quantization ? { quantization: report.quantization } : {}),
        ...(report.tries ? { tries: report.tries, meanWork: r.meanWork, ...(report.seed ? { seed: report.seed } : {}) } : {}),
      });
    }
  }
  return rows;
}

async function main(): Promise<number> {
  const o = parseOptions({
    options: {
      run: { type: 'string' },
      package: { type: 'string' },
      quant: { type: 'string', default: 'int8' },
      out: { type: 'string' },
      evals: { type: 'string', multiple: true },
      title: { type: 'string' },
      notes: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  }).values;
  if (o.help) return (console.log(USAGE), 0);
  const notes = o.notes === undefined ? undefined : (await readOptionFile('notes', o.notes)).trim(); // read first: a missing file stops before any work
  if (o.package) {
    if (o.run) throw new UsageError("give --run (package a run) or --package (add to a package's card), not both");
    if (!o.evals?.length && !o.notes) throw new UsageError('--package needs --evals or --notes');
    const reports = await readReports(o.evals);
    const pkg = await readPackageFolder(o.package);
    const rows = await recardPackage(o.package, pkg, {
      evaluations: cardRows(reports, pkg.meta.config),
      ...(notes !== undefined ? { notes } : {}),
      ...(o.title ? { title: o.title } : {}),
    });
    console.log(`updated ${o.package}: card and model.json provenance (${rows} evaluation rows); weights untouched`);
    return 0;
  }
  if (!o.run) throw new UsageError('--run is required');
  if (!(QUANTIZATIONS as readonly string[]).includes(o.quant!)) throw new UsageError(`--quant must be one of ${QUANTIZATIONS.join(', ')}`);
  const spec = await readRunSpec(o.run);
  if (spec.task === 'other') throw new UsageError(`${o.run}: the run's data is not a known task`);

  const metrics = await readMetrics(o.run);
  const train = metrics.filter((m) => m.type === 'train');
  const computeMs = train.reduce((s, m) => s + (m.ms ?? 0), 0);
  const evaluations = cardRows(await readReports(o.evals), spec.model);

  await initBackend('wasm');
  const model = await loadCheckpointFile(o.run, { task: spec.task as TaskName });
  const arc = spec.task === 'arc' ? { identifiers: await arcIdentifiers(spec.data, model.config.num_puzzle_identifiers) } : undefined;
  const out = o.out ?? `${basename(o.run)}-${o.quant}`;
  const bytes = await savePackage(out, {
    model,
    task: spec.task as TaskName,
    quantization: o.quant as Quantization,
    provenance: {
      source: `trm-edge training run ${basename(o.run)} (EMA weights, ${model.source.name.split('/').pop()})`,
      created: new Date().toISOString(),
      data: describeData(spec),
      ...(spec.init ? { init: `${spec.init.from} (${spec.init.provenance})` } : {}),
      training: { ...spec.training, steps: train.at(-1)?.step ?? 0, compute_hours: +(computeMs / 3.6e6).toFixed(2), started: train[0]?.time, finished: train.at(-1)?.time },
      ...(evaluations.length ? { metrics: { evaluations } } : {}),
      // The card's free text: the train/held-out split and what the numbers do not cover.
      ...(notes !== undefined ? { notes } : {}),
    },
    ...(arc ? { arc } : {}),
    title: o.title ?? `${spec.task} model from run ${basename(o.run)}`,
    ...(train.length ? { trainingSvg: () => runCurvesSvg(o.run!, spec, metrics) } : {}),
    force: o.force!,
  });
  model.dispose();
  console.log(`wrote ${out}: ${bytes.toLocaleString('en')} bytes of weights (${o.quant})`);
  return 0;
}

/** An ARC run's puzzle-row names: its data spec built again (the builder is seeded, so the rows come in the same order). */
async function arcIdentifiers(data: string, rows: number): Promise<string[]> {
  const identifiers = (await openEvalSet(data)).arc?.identifiers;
  if (identifiers?.length !== rows)
    throw new TrmError(
      'invalid_run',
      `the run's data ${data} names ${identifiers?.length ?? 'no'} ARC puzzle rows; its model has ${rows}: export cannot tell which task each row is`,
    );
  return identifiers;
}

runCli('export', USAGE, main);
