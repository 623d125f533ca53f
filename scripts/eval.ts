/**
 * npm run eval -- --model <run dir or checkpoint> --data <spec> [--data <spec> ...] [--limit N] [--halt never|q] [--json f]
 *
 * Scores a model as the official evaluation does (exact accuracy after the last step, all labelled
 * cells) and reports token accuracy, answers valid by the task's own rule (a maze's other shortest
 * paths count there), exact accuracy after each supervision step, the mean halting step and the time. Exit 0, or 2 on bad input.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { FIT_INITS, type FitInit } from '../model/arc-fit.js';
import { createTrm, solverFor } from '../model/core.js';
import type { LoadedModel } from '../model/load.js';
import { TrmError, type TaskName } from '../model/index.js';
import { defaultBatchSize, evaluate, type EvaluationResult } from '../model/evaluate.js';
import { createArcVoter, type ArcVotingResult } from '../model/arc-voting.js';
import { initBackend, registerGradients } from '../model/runtime/node-backend.js';
import { loadModelFromPath } from '../model/runtime/node-files.js';
import { SEARCH_HALTS, type SearchHalt } from '../model/tries.js';
import type { Example } from '../model/data/source.js';
import { answerChecker, answerSymmetries, openEvalSet, type EvalSet } from './lib/data-spec.js';
import type { EvalReport } from './lib/eval-report.js';
import { checkOutputFile, choice, decimal, integer, parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run eval -- --model <run dir or checkpoint> --data <spec> [--data <spec> ...] [options]

  --model <path>      a package (folder or .trm), a training run folder (its newest step_N), or an official checkpoint
  --data <spec>       sudoku:<dir>[:from=<i>][:count=<n>] | official:<dir> (its test split)
                      | sudoku-gen:<min>-<max>:seed=<s>:count=<n>[:rating=<a>-<b>] | maze-gen:<size>:seed=<s>:count=<n>[:min=<cells>]
                      | arc:<prefix>:subsets=<a,b>:test=<subset>[:aug=<n>][:canvas=<N>] (scored by augmentation voting, pass@K)
  --config <file>     model config when the checkpoint has none beside it
  --limit <n>         first n examples of each set
  --halt never|q|verified
                      never: all steps, the official evaluation (default); q: stop once q_halt > 0;
                      verified: stop once the answer passes the task's check (Sudoku, Maze; reads no label)
  --tries <n>         run each puzzle as n copies, the first as given, the others under the task's
                      symmetries (Sudoku shuffles, maze rotations/reflections); the first verified copy's
                      answer counts (default 1; see model/tries.ts). Use with --halt verified
  --seed <s>          seed of the copies' symmetries (default 0; with the puzzle, it fixes each puzzle's copies)
  --max-steps <n>     supervision steps (default: the model's halt_max_steps)
  --batch <n>         puzzles per forward pass (default 32, or fewer so that batch × tokens × hidden size
                      stays ≤ 4·10⁶ for the 4 GB wasm heap: 8 for the official 30×30 attention models)
  --fit <steps>       ARC: answer every task of the sets by test-time fitting (model/arc-fit.ts) instead of by
                      the model's own rows: new puzzle rows trained for <steps> updates on the task's
                      demonstrations, then voting; for tasks the model never saw (e.g. heldout=<n>);
                      0 with --fit-init blank answers with zero rows (the official blank id)
  --fit-init mean|blank|nearest
                      the new rows' start: the mean trained row (default), zeros (the official new id) or
                      the row of the known task under which the model best predicts the demonstrations
  --fit-batch <n>     demonstrations per fit update (default 16)
  --fit-lr <x>        the fit's SignSGD learning rate (default 0.01, the official puzzle_emb_lr)
  --json <file>       write the results as JSON, with which examples were solved (for npm run compare;
                      with --fit, each task's pass@1, pass@2, fit time and last loss)`;

async function main(): Promise<number> {
  const o = parseOptions({
    options: {
      model: { type: 'string' },
      data: { type: 'string', multiple: true },
      config: { type: 'string' },
      limit: { type: 'string' },
      halt: { type: 'string', default: 'never' },
      tries: { type: 'string', default: '1' },
      seed: { type: 'string', default: '0' },
      'max-steps': { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'string' },
      fit: { type: 'string' },
      'fit-init': { type: 'string', default: 'mean' },
      'fit-batch': { type: 'string', default: '16' },
      'fit-lr': { type: 'string', default: '0.01' },
      help: { type: 'boolean' },
    },
  }).values;
  if (o.help) return (console.log(USAGE), 0);
  if (!o.model || !o.data?.length) throw new UsageError('--model and --data are required');
  if (!(SEARCH_HALTS as readonly string[]).includes(o.halt!)) throw new UsageError(`--halt must be one of ${SEARCH_HALTS.join(', ')}, got ${JSON.stringify(o.halt)}`);
  const halt = o.halt as SearchHalt;
  const limit = integer('limit', o.limit, 1) ?? Infinity;
  const maxSteps = integer('max-steps', o['max-steps'], 1);
  const batch = integer('batch', o.batch, 1);
  const tries = integer('tries', o.tries!, 1);
  const seed = integer('seed', o.seed!, 0);
  const fitSteps = integer('fit', o.fit, 0);
  const fitBatch = integer('fit-batch', o['fit-batch']!, 1);
  const fitLr = decimal('fit-lr', o['fit-lr'], Number.MIN_VALUE)!;
  const fitInit = choice('fit-init', o['fit-init']!, FIT_INITS);
  if (o.json) await checkOutputFile('json', o.json); // before the evaluation, not after it

  await initBackend('wasm');
  const sets = await Promise.all(o.data.map((spec) => openEvalSet(spec, limit)));
  const task = sets[0]!.shape.task;
  const model = await loadModelFromPath(o.model, { ...(task !== 'other' ? { task: task as TaskName } : {}), ...(o.config ? { configPath: o.config } : {}) });
  // Every set is checked before any is evaluated.
  if (fitSteps !== undefined) {
    if (sets.some((set) => !set.arc)) throw new UsageError('--fit is for ARC sets (arc:…): Sudoku and Maze models have no per-task rows to fit');
    const report = await fitSets(model, sets, { steps: fitSteps, init: fitInit, batch: fitBatch, lr: fitLr, seed: Math.max(seed, 1) });
    if (o.json) await writeFile(o.json, JSON.stringify(report, null, 2));
    return 0;
  }
  for (const set of sets) {
    const known = 'metadata' in model ? model.metadata.arc?.identifiers : undefined;
    if (set.arc && known && JSON.stringify(known) !== JSON.stringify(set.arc.identifiers))
      throw new TrmError(
        'invalid_data',
        `${set.description}: its puzzle identifiers are not the model's (${set.arc.identifiers.length} against ${known.length}): an ARC set is scored with the spec the model was trained on; for tasks it never saw, use --fit`,
      );
    if (set.shape.seqLen !== model.config.seq_len || set.shape.vocabSize !== model.config.vocab_size) {
      throw new TrmError(
        'invalid_data',
        `${set.description}: seq_len ${set.shape.seqLen}, vocab ${set.shape.vocabSize} do not fit the model (seq_len ${model.config.seq_len}, vocab ${model.config.vocab_size})`,
      );
    }
  }
  const trm = createTrm(model.config, model.weights);
  const batchSize = batch ?? defaultBatchSize(trm);
  console.log(
    `model   ${model.source.name} · D ${model.config.hidden_size} · T ${model.config.H_cycles} · n ${model.config.L_cycles} · halt ${halt}${tries > 1 ? ` · ${tries} tries (seed ${seed})` : ''} · ${maxSteps ?? model.config.halt_max_steps} steps max · batch ${batchSize}`,
  );

  const results: (EvaluationResult & { data: string; fingerprint: string; arc?: ArcVotingResult['passAt'] })[] = [];
  for (const set of sets) {
    const bar = new cliProgress.SingleBar(
      { format: `${fitName(set.description)} |{bar}| {value}/{total} · ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 60_000 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(set.examples.length, 0);
    const voter = set.arc ? createArcVoter(set.arc.identifiers, set.arc.testPuzzles) : null;
    const r = await evaluate(trm, set.examples, {
      batchSize,
      verify: answerChecker(set.shape),
      halt,
      tries,
      seed,
      symmetries: answerSymmetries(set.shape),
      ...(maxSteps ? { maxSteps } : {}),
      onProgress: (done) => bar.update(done),
      ...(voter ? { onPrediction: (e, pred, q) => voter.record(e.id, e.tokens, pred, q) } : {}),
    });
    bar.stop();
    results.push({ data: set.description, fingerprint: fingerprint(set.examples), ...r, ...(voter ? { arc: voter.result().passAt } : {}) });
  }
  trm.dispose();
  model.dispose();

  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  console.log(`\nset                                                           n     exact   token   valid   mean steps${tries > 1 ? '  all copies' : ''}  σ(q)   q right  s`);
  for (const r of results) {
    console.log(
      `${fitName(r.data).padEnd(60)} ${String(r.count).padStart(5)}  ${pct(r.exactAccuracy).padStart(6)}  ${pct(r.tokenAccuracy).padStart(6)}  ${(r.validAccuracy === undefined ? '—' : pct(r.validAccuracy)).padStart(6)}  ${r.meanSteps.toFixed(2).padStart(10)}${tries > 1 ? r.meanWork.toFixed(2).padStart(12) : ''}  ${r.meanConfidence.toFixed(2)}  ${pct(r.qHaltAccuracy).padStart(7)}  ${r.seconds.toFixed(0)}`,
    );
    console.log(`  exact after each step: ${r.exactByStep.map(pct).join(' ')}`);
    if (r.arc)
      console.log(
        `  ARC voting (per-evaluation votes): ${Object.entries(r.arc)
          .map(([k, v]) => `pass@${k} ${pct(v)}`)
          .join(' · ')}`,
      );
  }
  const quantization = 'metadata' in model ? model.metadata.quantization : 'fp32';
  const report = { model: model.source.name, quantization, config: model.config, halt, ...(tries > 1 ? { tries, seed } : {}), results };
  if (o.json) await writeFile(o.json, JSON.stringify(report satisfies EvalReport, null, 2));
  return 0;
}

interface FittedTask {
  id: string;
  /** Fraction of the task's test inputs whose output is attempt 1 (pass1), or attempt 1 or 2 (pass2). */
  pass1: number;
  pass2: number;
  /** Share of the test outputs' cells attempt 1 gets right (a wrong-sized attempt gets none). */
  cells: number;
  /** init 'nearest': the known task the rows started from. */
  nearest?: string;
  seconds: number;
  loss: number | null;
  exact: number | null;
}

/** --fit: every task of each ARC set fitted from its demonstrations, then answered by voting over the fitted versions. */
async function fitSets(model: LoadedModel, sets: EvalSet[], options: { steps: number; init: FitInit; batch: number; lr: number; seed: number }) {
  await registerGradients();
  const solver = solverFor(model, 'arc'); // owns the model
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  console.log(
    `fit     ${options.steps} updates per task of ${options.batch} demonstrations · rows start from ${{ mean: 'the mean trained row', blank: 'zeros', nearest: 'the nearest known task' }[options.init]} · lr ${options.lr} · seed ${options.seed}`,
  );
  const results = [];
  try {
    for (const set of sets) {
      const entries = Object.entries(set.arc!.testPuzzles);
      const bar = new cliProgress.SingleBar(
        { format: `${fitName(set.description)} |{bar}| {value}/{total} tasks · ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 60_000 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(entries.length, 0);
      const tasks: FittedTask[] = [];
      for (const [id, task] of entries) {
        const fit = await solver.fit({ id, train: task.train, test: task.test.map((p) => ({ input: p.input })) }, options);
        const answer = await solver.solve({ id, test: task.test });
        const right = (k: 1 | 2) =>
          task.test.filter((p, i) => [answer.attempts[i]!.attempt_1, answer.attempts[i]!.attempt_2].slice(0, k).some((g) => JSON.stringify(g) === JSON.stringify(p.output)))
            .length / task.test.length;
        const cells = task.test.reduce((sum, p, i) => sum + cellsRight(answer.attempts[i]!.attempt_1, p.output!), 0) / task.test.length;
        const last = { loss: fit.last?.loss ?? null, exact: fit.last?.exact ?? null };
        tasks.push({ id, pass1: right(1), pass2: right(2), cells, ...(fit.nearest && { nearest: fit.nearest.task }), seconds: fit.seconds, ...last });
        bar.increment();
      }
      bar.stop();
      const mean = (f: (t: FittedTask) => number) => tasks.reduce((s, t) => s + f(t), 0) / Math.max(tasks.length, 1);
      const passAt = { 1: mean((t) => t.pass1), 2: mean((t) => t.pass2) };
      console.log(
        `${fitName(set.description)}: ${tasks.length} tasks fitted · pass@1 ${pct(passAt[1])} · pass@2 ${pct(passAt[2])} · cells ${pct(mean((t) => t.cells))} · ${mean((t) => t.seconds).toFixed(1)} s per fit`,
      );
      results.push({ data: set.description, passAt, cells: mean((t) => t.cells), tasks });
    }
  } finally {
    solver.dispose();
  }
  return { model: model.source.name, fit: options, results };
}

/** The share of `expected`'s cells that `attempt` matches; none when its shape differs. */
function cellsRight(attempt: number[][], expected: number[][]): number {
  if (attempt.length !== expected.length || attempt.some((row, r) => row.length !== expected[r]!.length)) return 0;
  const cells = expected.flat();
  return attempt.flat().filter((v, i) => v === cells[i]).length / Math.max(cells.length, 1);
}

/** A set's name in 60 columns, keeping its end (the split and "first n of m"), not its start. */
function fitName(name: string): string {
  return name.length <= 60 ? name : `…${name.slice(name.length - 59)}`;
}

/**
 * SHA-256 of the set's examples in order (identifier, input, labels): what npm run compare pairs sets by, as
 * descriptions can name different sets alike (an ARC one omits the files and seed, a Sudoku one keeps the folder's name only).
 */
function fingerprint(examples: Example[]): string {
  const hash = createHash('sha256');
  for (const e of examples) hash.update(Int32Array.of(e.id)).update(e.tokens).update(e.labels);
  return hash.digest('hex');
}

runCli('eval', USAGE, main);
