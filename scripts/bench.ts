/**
 * npm run bench [-- --json <file>] [--md <file>] [--quick]
 *
 * One run, one machine: the wasm matMul ceiling; inference of the official Sudoku-MLP and
 * Maze-Att configs (random weights) and of the shipped packages, per application / step / solve at
 * batch 1 and 8, with GFLOP/s and the ratio to the ceiling; the same on the cpu backend; training
 * throughput with 1 and N worker threads; the edge solver through `wrangler dev`; the default models
 * in headless Chromium (worker and main thread) against Node on the same puzzles. Medians over
 * repeated runs, warm-up excluded. --quick runs every section at toy sizes (CI proves it runs).
 */
import { execSync } from 'node:child_process';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { formatMaze, formatSudoku, sudokuCodec } from '../model/tasks/index.js';
import { PRESETS, type TrmConfig } from '../model/index.js';
import type { TrmWeights } from '../model/core.js';
import { initWeights } from '../model/train/init.js';
import { weightTensors } from '../model/weights.js';
import { initBackend, registerGradients } from '../model/runtime/node-backend.js';
import { loadModelFromPath } from '../model/runtime/node-files.js';
import { openEvalSet } from './lib/data-spec.js';
import { buildWeb } from './lib/web-bundle.js';
import { benchBrowser, checkChromium, type BrowserReport } from './bench/browser.js';
import { benchEdge, type EdgeReport } from './bench/edge.js';
import { benchInference, type InferencePlan, type InferenceRow } from './bench/inference.js';
import { gflops, time, type Stats } from './bench/measure.js';
import { benchTraining, type TrainingRow } from './bench/training.js';
import { checkOutputFile, parseOptions, runCli } from './lib/cli.js';

const USAGE = `usage: npm run bench [-- --json <file>] [--md <file>] [--quick]

  --json <file>   write the results as JSON
  --md <file>     write the results as markdown between <!-- bench:start --> and <!-- bench:end --> (the rest of the file is kept)
  --quick         every section at toy sizes (proves it runs)`;

const ROOT = join(import.meta.dirname, '..');

// PyTorch on this machine kind (official code, OpenBLAS, 1 thread, fp32; ../shared/docs/runtime-peers.md):
// full-size Sudoku-MLP at batch 1, default malloc and with the tuned malloc that removes page faults.
const PYTORCH = { stepMs: 542, tunedStepMs: 214, solveMs: 10_000 };
const SUDOKU_MLP = 'Sudoku-MLP official (random)';

// The ceiling is the best of a large square-ish matMul and two of the sizes the models run (official
// D = 512 at a few batch rows, default D = 128): a single large shape ran slower than the models' own.
const CEILING_SHAPES: [number, number, number][] = [
  [4096, 512, 1536],
  [1024, 512, 1536],
  [1024, 128, 512],
];

type Ceiling = { shape: string; ms: Stats; gflops: number };
const fastest = (runs: Ceiling[]): Ceiling => runs.reduce((a, b) => (b.gflops > a.gflops ? b : a));

async function ceiling(quick: boolean): Promise<Ceiling> {
  const runs: Ceiling[] = [];
  for (const [m, k, n] of quick ? [CEILING_SHAPES[1]!] : CEILING_SHAPES) {
    const a = tf.randomNormal([m, k]) as tf.Tensor2D;
    const b = tf.randomNormal([k, n]) as tf.Tensor2D;
    const ms = await time(
      async () => {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
      },
      quick ? 3 : 9,
      2,
    );
    tf.dispose([a, b]);
    runs.push({ shape: `[${m}×${k}]·[${k}×${n}]`, ms, gflops: gflops(2 * m * k * n, ms.median) });
  }
  return fastest(runs);
}

async function main(): Promise<number> {
  const o = parseOptions({
    options: { json: { type: 'string' }, md: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  }).values;
  if (o.help) return (console.log(USAGE), 0);
  // Before the measurements, which a bad output path would otherwise throw away.
  for (const [option, path] of [
    ['json', o.json],
    ['md', o.md],
  ] as const)
    if (path) await checkOutputFile(option, path);
  await checkChromium(); // a missing Chromium fails now, not after the other sections
  const quick = o.quick!;
  const workers = availableParallelism();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: workers,
    node: process.version,
    tfjs: tf.version_core,
    date: new Date().toISOString(),
    commit: execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim(),
  };
  console.log(`trm-edge bench${quick ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, tfjs ${machine.tfjs}, ${machine.commit}`);

  await initBackend('wasm');
  await registerGradients();
  // Measured before and after the inference sections, the higher kept: a shared machine has slow moments.
  const ceilings = [await ceiling(quick)];
  let peak = ceilings[0]!;
  console.log(`ceiling: wasm matMul ${peak.shape} ${peak.ms.median.toFixed(1)} ms → ${peak.gflops.toFixed(1)} GFLOP/s`);

  const packages = await Promise.all(['sudoku', 'maze'].map(async (task) => ({ task, model: await loadModelFromPath(join(ROOT, 'model/weights', task)) })));
  const random = (config: TrmConfig): TrmWeights => initWeights(config, 1);
  // Random weights are made when their case runs and freed after it, so they never share the wasm heap.
  const cases: { name: string; config: TrmConfig; weights: TrmWeights | 'random'; plan?: Partial<InferencePlan> }[] = quick
    ? [{ name: 'sudoku-mlp-cpu (random)', config: PRESETS['sudoku-mlp-cpu'], weights: 'random' }]
    : [
        { name: SUDOKU_MLP, config: PRESETS['sudoku-mlp'], weights: 'random' },
        // One step per batch (about 10 s at batch 1, 70 s at batch 8); solves are projected.
        { name: 'Maze-Att official (random)', config: PRESETS['maze-att'], weights: 'random', plan: { runs: { application: 2, step: 1, solve: 0 } } },
      ];
  for (const p of packages)
    cases.push({ name: `default ${p.task} package (${'metadata' in p.model ? p.model.metadata.quantization : ''})`, config: p.model.config, weights: p.model.weights });
  const plan: InferencePlan = quick
    ? { batches: [1], runs: { application: 1, step: 1, solve: 1 }, solveBudgetMs: 20_000 }
    : { batches: [1, 8], runs: { application: 5, step: 3, solve: 3 }, solveBudgetMs: 120_000 };

  const inference: InferenceRow[] = [];
  for (const c of cases) {
    const weights = c.weights === 'random' ? random(c.config) : c.weights;
    const rows = await benchInference(c.name, c.config, weights, { ...plan, ...c.plan });
    if (c.weights === 'random') tf.dispose(weightTensors(weights));
    rows.forEach((r) =>
      console.log(
        `  ${r.backend} ${r.model} B=${r.batch} ${r.what}: ${r.ms.median.toFixed(1)} ms${r.projected ? ' (projected)' : ''} · ${r.gflops.toFixed(1)} GFLOP/s · ${((100 * r.gflops) / peak.gflops).toFixed(0)}% of ceiling`,
      ),
    );
    inference.push(...rows);
  }

  ceilings.push(await ceiling(quick));
  peak = fastest(ceilings);
  console.log(`ceiling again: ${ceilings[1]!.gflops.toFixed(1)} GFLOP/s; the ceiling is ${peak.gflops.toFixed(1)} GFLOP/s`);

  // The pure-JS cpu backend as the "no wasm" reference (one application; it is ~25× slower).
  await initBackend('cpu');
  const cpuCase = quick ? cases[0]! : cases.find((c) => c.name.startsWith('default sudoku'))!;
  const cpuWeights = random(cpuCase.config);
  const cpuRows = await benchInference(`${cpuCase.name.replace(' (random)', '')}`, cpuCase.config, cpuWeights, {
    batches: [1],
    runs: { application: quick ? 1 : 3, step: 1, solve: 0 },
    solveBudgetMs: 0,
  });
  tf.dispose(weightTensors(cpuWeights));
  cpuRows.forEach((r) => console.log(`  cpu ${r.model} B=1 ${r.what}: ${r.ms.median.toFixed(1)} ms${r.projected ? ' (projected)' : ''} · ${r.gflops.toFixed(2)} GFLOP/s`));
  inference.push(...cpuRows);
  await initBackend('wasm');

  const training: TrainingRow[] = [];
  const trainCases = quick
    ? [{ name: 'sudoku-mlp-cpu', config: PRESETS['sudoku-mlp-cpu'], batch: 4, inProcess: true }]
    : // The official Sudoku-MLP is left out: its batch-8 step aborted the wasm heap of this process
      // ("Aborted()" in tfjs-backend-wasm's malloc) after the inference sections; see BENCHMARKS.md.
      [
        ...packages.map((p) => ({ name: `default ${p.task} preset`, config: p.model.config, batch: 32, inProcess: true })),
        // Attention at 30×30 (the official Maze-Hard size): 4 examples use about 2.5 GB of a worker's
        // 4 GB heap, so the in-process row, which shares this process's heap, is left out.
        { name: 'maze-att-cpu preset (30×30)', config: PRESETS['maze-att-cpu'], batch: 4, inProcess: false },
      ];
  for (const c of trainCases) {
    const layouts: [number, boolean][] = c.inProcess
      ? [
          [1, false],
          [1, true],
        ]
      : [[1, true]];
    if (workers > 1) layouts.push([workers, true]);
    for (const [w, threads] of layouts) {
      // 7 steps: with 3, one slow 1-worker step (4.2-6.2 s in one run) moved the speed-up ratio by half.
      const row = await benchTraining(c.name, c.config, c.batch, w, threads, quick ? 1 : 7);
      training.push(row);
      console.log(
        `  train ${row.model} B=${row.batch} ${workerLabel(row)}: ${row.msPerStep.median.toFixed(0)} ms/step · ${row.samplesPerSecond.toFixed(1)} sample-steps/s · ${row.gflops.toFixed(1)} GFLOP/s`,
      );
    }
  }

  const sudokuSet = await openEvalSet(`sudoku:${join(ROOT, '../shared/data/sudoku/kaggle-3m-curated-5000')}`, quick ? 2 : 20);
  const sudokus = sudokuSet.examples.map((e) => formatSudoku(sudokuCodec.decode(e.tokens, { rows: 9, cols: 9, cells: new Uint8Array(81) })));
  const side = Math.round(Math.sqrt(packages[1]!.model.config.seq_len));
  const mazeSet = await openEvalSet(`maze-gen:${side}:min=20:seed=4242:count=${quick ? 2 : 20}`);
  const mazes = mazeSet.examples.map((e) => formatMaze({ rows: side, cols: side, cells: Uint8Array.from(e.tokens) }));
  // The static folder wrangler dev serves (the models included) and the pages load, built apart from dist-web.
  const site = (await buildWeb(await mkdtemp(join(tmpdir(), 'trm-bench-web-')))).out;
  let edge: EdgeReport;
  let browser: BrowserReport;
  try {
    edge = await benchEdge(ROOT, site, { sudoku: sudokus, maze: mazes });
    console.log(`edge (wrangler dev, loopback): cold start (first solve of a fresh isolate) ${edge.coldStartMs.toFixed(0)} ms`);
    edge.rows.forEach((r) =>
      console.log(
        `  ${r.task} halt=${r.halt}: median ${r.latencyMs.median.toFixed(0)} ms · p95 ${r.latencyMs.p95.toFixed(0)} ms · ${r.meanSteps.toFixed(1)} steps · workerd ${r.workerdGflops.toFixed(1)} GFLOP/s vs Node ${r.nodeGflops.toFixed(1)}`,
      ),
    );
    browser = await benchBrowser(ROOT, site, { sudoku: sudokus, maze: mazes }, quick ? 1 : 3);
  } finally {
    await rm(site, { recursive: true, force: true });
  }
  console.log(`browser (${browser.chromium}, headless, loopback):`);
  browser.rows.forEach((r) =>
    console.log(
      `  ${r.task} ${r.thread}: ready ${r.readyMs.median.toFixed(0)} ms · first solve ${r.firstSolveMs.median.toFixed(0)} ms · solve ${r.solveMs.median.toFixed(0)} ms (Node ${r.nodeMs.median.toFixed(0)} ms, ${(r.solveMs.median / r.nodeMs.median).toFixed(2)}×)`,
    ),
  );

  packages.forEach((p) => p.model.dispose());
  const report = { machine, command: `npm run bench${quick ? ' -- --quick' : ''}`, ceiling: peak, ceilings: ceilings.map((c) => c.gflops), inference, training, edge, browser };
  if (o.json) await writeFile(o.json, JSON.stringify(report, null, 2));
  if (o.md) await writeMarkdown(o.md, markdown(report));
  return 0;
}

/** Replaces only the generated part of the file (between the markers; appended when it has none), keeping the hand-written notes. */
async function writeMarkdown(file: string, generated: string): Promise<void> {
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->'];
  const old = await readFile(file, 'utf8').catch(() => '');
  const i = old.indexOf(start);
  const j = old.indexOf(end);
  const block = `${start}\n${generated}${end}`;
  const rest = old.trimEnd();
  await writeFile(file, i >= 0 && j > i ? old.slice(0, i) + block + old.slice(j + end.length) : `${rest ? `${rest}\n\n` : ''}${block}\n`);
}

function againstPytorch(inference: InferenceRow[]): string[] {
  const row = (what: InferenceRow['what']) => inference.find((x) => x.backend === 'wasm' && x.batch === 1 && x.what === what && x.model === SUDOKU_MLP);
  const step = row('step');
  const solve = row('solve');
  if (!step || !solve) return [];
  const ratio = (ours: number, theirs: number) => `${(ours / theirs).toFixed(2)}× PyTorch's time`;
  return [
    '### Against PyTorch on CPU (full-size Sudoku-MLP, batch 1, one core)',
    '',
    '| | PyTorch (official code, OpenBLAS) | trm-edge (wasm SIMD) | ratio |',
    '|---|---|---|---|',
    `| one supervision step | ${PYTORCH.stepMs} ms (default malloc) · ${PYTORCH.tunedStepMs} ms (tuned malloc) | ${step.ms.median.toFixed(0)} ms | ${ratio(step.ms.median, PYTORCH.stepMs)} · ${ratio(step.ms.median, PYTORCH.tunedStepMs)} |`,
    `| full 16-step solve | ≈ ${PYTORCH.solveMs / 1000} s | ${(solve.ms.median / 1000).toFixed(1)} s${solve.projected ? ' (projected)' : ''} | ${ratio(solve.ms.median, PYTORCH.solveMs)} |`,
    '',
    'PyTorch figures: ../shared/docs/runtime-peers.md (same machine kind, measured before the project started, not in this run).',
    '',
  ];
}

const workerLabel = (r: TrainingRow) => (r.threads ? `${r.workers} thread${r.workers > 1 ? 's' : ''}` : '1, in process');

/** Each model's N-thread over 1-thread speed-up, from the median steps of this run. */
function speedUps(rows: TrainingRow[]): string[] {
  return [...new Set(rows.map((r) => r.model))].flatMap((model) => {
    const threaded = rows.filter((r) => r.model === model && r.threads).sort((a, b) => a.workers - b.workers);
    const [one, many] = [threaded[0], threaded.at(-1)];
    return one && many && many.workers > one.workers ? [`${model}: ${many.workers} threads ÷ 1 thread = **${(one.msPerStep.median / many.msPerStep.median).toFixed(2)}×**`] : [];
  });
}

/** Each model's page ÷ Node solve ratio in a worker and on the main thread. */
function browserSummary(b: BrowserReport): string {
  const ratio = (task: string, thread: string) => {
    const x = b.rows.find((x) => x.task === task && x.thread === thread);
    return x ? `${(x.solveMs.median / x.nodeMs.median).toFixed(2)}×` : '—';
  };
  return [...new Set(b.rows.map((x) => x.task))].map((task) => `${task} ${ratio(task, 'worker')} in a worker, ${ratio(task, 'main')} on the main thread`).join(' · ');
}

function markdown(r: {
  machine: Record<string, unknown>;
  command: string;
  ceiling: Ceiling;
  ceilings: number[];
  inference: InferenceRow[];
  training: TrainingRow[];
  edge: EdgeReport;
  browser: BrowserReport;
}): string {
  const f = (v: number, d = 1) => v.toFixed(d);
  const lines = [
    '## Latest run',
    '',
    `Command: \`${r.command}\` · ${r.machine.date} · commit ${r.machine.commit}`,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores · Node ${r.machine.node} · TF.js ${r.machine.tfjs} (wasm SIMD, 1 thread)`,
    '',
    `**Ceiling**: wasm matMul ${r.ceiling.shape}: ${f(r.ceiling.ms.median)} ms (min ${f(r.ceiling.ms.min)}, max ${f(r.ceiling.ms.max)}) → **${f(r.ceiling.gflops)} GFLOP/s** (the best of ${CEILING_SHAPES.map(([m, k, n]) => `${m}×${k}×${n}`).join(', ')}, measured before and after the inference sections: ${r.ceilings.map((g) => f(g)).join(' and ')} GFLOP/s)`,
    '',
    '### Inference',
    '',
    '| model | backend | batch | unit | median ms | min–max | GFLOP/s | % of ceiling | peak RSS MB | wasm heap MB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.inference.map(
      (x) =>
        `| ${x.model} | ${x.backend} | ${x.batch} | ${x.what}${x.projected ? ' (projected: steps × step)' : ''} | ${f(x.ms.median)} | ${x.projected ? '—' : `${f(x.ms.min)}–${f(x.ms.max)}`} | ${f(x.gflops, 2)} | ${f((100 * x.gflops) / r.ceiling.gflops, 0)} % | ${x.peakRssMb} | ${x.wasmHeapMb ?? '—'} |`,
    ),
    '',
    ...againstPytorch(r.inference),
    '### Training (one optimizer step of the official recipe)',
    '',
    '| model | batch | workers | median ms/step | min–max | sample-steps/s | GFLOP/s | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|',
    ...r.training.map(
      (x) =>
        `| ${x.model} | ${x.batch} | ${workerLabel(x)} | ${f(x.msPerStep.median, 0)} | ${f(x.msPerStep.min, 0)}–${f(x.msPerStep.max, 0)} | ${f(x.samplesPerSecond)} | ${f(x.gflops)} | ${x.peakRssMb} |`,
    ),
    '',
    `Speed-up (threaded rows: same code, only the thread count differs): ${speedUps(r.training).join(' · ') || '—'}`,
    '',
    '### Edge (POST /v1/solve through `wrangler dev` on loopback)',
    '',
    `Cold start (first solve in a fresh isolate: wasm init, package load, first forward): ${f(r.edge.coldStartMs, 0)} ms`,
    '',
    '| task | halt | requests | median ms | p95 ms | mean steps | GFLOP/s in workerd | GFLOP/s in Node |',
    '|---|---|---|---|---|---|---|---|',
    ...r.edge.rows.map(
      (x) => `| ${x.task} | ${x.halt} | ${x.requests} | ${f(x.latencyMs.median, 0)} | ${f(x.latencyMs.p95, 0)} | ${f(x.meanSteps)} | ${f(x.workerdGflops)} | ${f(x.nodeGflops)} |`,
    ),
    '',
    `### In the browser (headless ${r.browser.chromium}, the \`npm run build:web\` folder on loopback, a cold context per load)`,
    '',
    'The edge section\'s puzzles, every step of the model (halt never), batch 1, also solved in Node just before (same process); "ready" counts from navigation start (bundle, wasm init, package download and SHA-256 check).',
    '',
    '| model | thread | loads | ready ms | first solve ms | solve ms, median | min–max | Node ms, median | page ÷ Node |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.browser.rows.map(
      (x) =>
        `| ${x.task} | ${x.thread} | ${x.loads} | ${f(x.readyMs.median, 0)} | ${f(x.firstSolveMs.median, 0)} | ${f(x.solveMs.median, 0)} | ${f(x.solveMs.min, 0)}–${f(x.solveMs.max, 0)} | ${f(x.nodeMs.median, 0)} | ${f(x.solveMs.median / x.nodeMs.median, 2)}× |`,
    ),
    '',
    `Page ÷ Node (warm solve medians): ${browserSummary(r.browser)}`,
  ];
  return `${lines.join('\n')}\n`;
}

runCli('bench', USAGE, main);
