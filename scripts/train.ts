/**
 * npm run train -- --config <preset or json> --data <spec> --out <run dir> [--resume] [--max-minutes N] [--workers N]
 *
 * The official recipe on the wasm backend, data-parallel over worker threads. Shows a progress bar
 * (step, examples/s, loss, exact accuracy of halting rows, halting steps, ETA), appends metrics to
 * <run>/metrics.jsonl, checkpoints atomically, saves and exits on Ctrl-C, and `--resume` continues
 * bit for bit; `--resume --data <spec>` goes on with other data (a curriculum phase). Exit 0 when done or stopped cleanly, 2 on bad input, 1 on failure.
 */
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import * as tf from '@tensorflow/tfjs-core';
import { createTrm } from '../model/core.js';
import { PRESETS, validateConfig, type TrmConfig } from '../model/index.js';
import { countParameters } from '../model/cost.js';
import { evaluate } from '../model/evaluate.js';
import { initWeights } from '../model/train/init.js';
import { TASK_RECIPES, validateHyper } from '../model/train/hyper.js';
import { createTrainer, type StepMetrics } from '../model/train/trainer.js';
import { weightTensors } from '../model/weights.js';
import { initBestBackend, registerGradients } from '../model/runtime/node-backend.js';
import { loadModelFromPath, readConfigFile } from '../model/runtime/node-files.js';
import type { LoadedModel } from '../model/load.js';
import type { LoadedPackage } from '../model/pack/read.js';
import { workerReplicas } from '../model/runtime/node-replicas.js';
import { answerChecker, openEvalSet, openTrainingData } from './lib/data-spec.js';
import {
  appendMetrics,
  checkNewRunDir,
  createRunDir,
  currentData,
  exists,
  loadSnapshot,
  readRunSpec,
  saveSnapshot,
  truncateMetrics,
  withDataPhase,
  writeRunSpec,
  type RunSpec,
} from './lib/run-dir.js';
import { decimal, integer, parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run train -- --config <preset|file> --data <spec> --out <run dir> [options]
       npm run train -- --out <run dir> --resume [--data <spec>] [--max-minutes N] [--workers N]
       npm run train -- --init <model> --data <spec> --out <run dir> [--config <file>] [options]

  --config <preset|file>  a preset (${Object.keys(PRESETS).join(', ')}) or a JSON/YAML file:
                          {"model": {...TRM fields}, "training": {...hyper-parameters}}
  --data <spec>           sudoku-gen:<min>-<max> | sudoku:<dir> | maze-gen:<size> | official:<dir> | w*spec + w*spec
  --out <dir>             the run folder (created; must not hold a run unless --resume)
  --init <model>          start from a trained model's weights (a package folder, .trm, run folder or
                          checkpoint) instead of the official initialisation: fine-tuning; its config is
                          the run's (a --config may only set training and agree on the model); optimizer
                          moments start at zero, the EMA at these weights
  --resume                continue the run in --out from its last checkpoint; with --data, on that
                          data from the checkpoint's step on (a curriculum phase, kept in run.json;
                          its stream is seeded with the run's seed + the step)
  --batch <n>             global batch size            --lr <x>        AdamATan2 learning rate
  --steps <n>             total optimizer steps (the schedule's length; training stops there)
  --warmup <n>            warm-up steps                --seed <n>      seed (non-zero)
  --eval <spec>           held-out set evaluated with the EMA weights every --eval-every steps
  --eval-every <n>        (default 500)                --eval-limit <n>  examples (default 200)
  --max-minutes <n>       stop (with a checkpoint) after n minutes
  --max-steps <n>         stop (with a checkpoint) at optimizer step n of this run
  --checkpoint-minutes <n> checkpoint period (default 10)
  --workers <n>           worker threads, data-parallel (default: ${availableParallelism()}, the cores)`;

function args() {
  return parseOptions({
    options: {
      config: { type: 'string' },
      init: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      batch: { type: 'string' },
      lr: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string' },
      // No defaults for --eval-every and --eval-limit: given without --eval, or with --resume, they are refused.
      eval: { type: 'string' },
      'eval-every': { type: 'string' },
      'eval-limit': { type: 'string' },
      'max-minutes': { type: 'string' },
      'max-steps': { type: 'string' },
      'checkpoint-minutes': { type: 'string', default: '10' },
      workers: { type: 'string', default: String(availableParallelism()) },
      help: { type: 'boolean', default: false },
    },
  }).values;
}

/** Options a resume may not give: they are fixed in run.json when the run is created. */
const FIXED_AT_CREATION = ['config', 'init', 'batch', 'lr', 'steps', 'warmup', 'seed', 'eval', 'eval-every', 'eval-limit'] as const;

/** The run to start: preset, file or --init model, task recipe, then command-line overrides. */
async function newRunSpec(o: ReturnType<typeof args>, init?: LoadedModel | LoadedPackage): Promise<RunSpec> {
  if (!(o.config || init) || !o.data) throw new UsageError('--config (or --init) and --data are required (or --resume)');
  const { shape } = await openTrainingData(o.data, 1);
  let model: Partial<TrmConfig> = {};
  let training: Record<string, unknown> = {};
  if (o.config && o.config in PRESETS) {
    model = PRESETS[o.config as keyof typeof PRESETS];
  } else if (o.config) {
    if (!(await exists(o.config))) throw new UsageError(`--config ${o.config}: neither a preset (${Object.keys(PRESETS).join(', ')}) nor a readable file`);
    const doc = (await readConfigFile(o.config)) as { model?: Partial<TrmConfig>; training?: Record<string, unknown> };
    if (!doc.model && !(init && doc.training)) throw new UsageError(`--config ${o.config}: expected {"model": {...}, "training": {...}}`);
    model = doc.model ?? {};
    training = doc.training ?? {};
  }
  const config = init ? init.config : validateConfig({ ...model, vocab_size: shape.vocabSize, seq_len: shape.seqLen, num_puzzle_identifiers: shape.identifiers });
  if (init) {
    const asked = validateConfig({ ...init.config, ...model });
    const differ = (Object.keys(asked) as (keyof TrmConfig)[]).filter((k) => asked[k] !== init.config[k]);
    if (differ.length) throw new UsageError(`--config ${o.config} and --init ${o.init} disagree on ${differ.map((k) => `${k} (${asked[k]} vs ${init.config[k]})`).join(', ')}`);
  }
  const recipe = shape.task in TASK_RECIPES ? TASK_RECIPES[shape.task as keyof typeof TASK_RECIPES] : {};
  const overrides = Object.fromEntries(
    Object.entries({
      global_batch_size: integer('batch', o.batch, 1),
      lr: decimal('lr', o.lr),
      total_steps: integer('steps', o.steps, 1),
      lr_warmup_steps: integer('warmup', o.warmup, 0),
      seed: integer('seed', o.seed, 1),
    }).filter(([, v]) => v !== undefined),
  );
  return {
    version: 1,
    model: config,
    training: validateHyper({ ...recipe, ...training, ...overrides }),
    data: o.data,
    task: shape.task,
    ...(init ? { init: { from: o.init!, provenance: initProvenance(init) } } : {}),
    ...(o.eval ? { eval: { data: o.eval, every: integer('eval-every', o['eval-every'] ?? '500', 1), limit: integer('eval-limit', o['eval-limit'] ?? '200', 1) } } : {}),
    created: new Date().toISOString(),
  };
}

/** One line on where --init's weights came from (a package's provenance, its own start included; a checkpoint's file name). */
function initProvenance(init: LoadedModel | LoadedPackage): string {
  const p = 'metadata' in init ? init.metadata.provenance : undefined;
  if (!p) return init.source.name;
  const t = p.training as { steps?: number; compute_hours?: number } | undefined;
  const n = (v: number) => v.toLocaleString('en');
  return [
    p.source,
    p.data && `data ${p.data}`,
    t?.steps !== undefined && `${n(t.steps)} steps`,
    t?.compute_hours !== undefined && `${t.compute_hours} h`,
    p.init && `initialised from ${p.init}`,
  ]
    .filter(Boolean)
    .join('; ');
}

async function main(): Promise<number> {
  const o = args();
  if (o.help) return (console.log(USAGE), 0);
  if (!o.out) throw new UsageError('--out is required');
  const workers = integer('workers', o.workers!, 1);
  const maxMinutes = decimal('max-minutes', o['max-minutes']);
  const maxSteps = integer('max-steps', o['max-steps'], 1);
  const checkpointMs = decimal('checkpoint-minutes', o['checkpoint-minutes'])! * 60_000;
  const fixed = FIXED_AT_CREATION.filter((k) => o[k] !== undefined);
  if (o.resume && fixed.length) {
    throw new UsageError(
      `--resume continues the run as it was created: ${fixed.map((k) => `--${k}`).join(', ')} cannot change; only --data (a new phase), --max-minutes, --max-steps, --checkpoint-minutes and --workers may`,
    );
  }
  if (!o.resume && o.eval === undefined && (o['eval-every'] !== undefined || o['eval-limit'] !== undefined)) throw new UsageError('--eval-every and --eval-limit need --eval');
  // A new run's folder is created only once everything is checked: a failure before then leaves no half run behind.
  if (!o.resume) await checkNewRunDir(o.out);
  // The backend first: --init's weights are tensors (the gradients, ~0.4 s, wait until the input is checked).
  const backend = await initBestBackend();
  const init = o.init ? await loadModelFromPath(o.init) : undefined;
  let spec = o.resume ? await readRunSpec(o.out) : await newRunSpec(o, init);
  const checkpoint = o.resume ? await loadSnapshot(o.out) : undefined;
  if (checkpoint && o.data) spec = withDataPhase(spec, o.data, checkpoint.state.step);
  const phase = currentData(spec);
  const { source, shape } = await openTrainingData(phase.data, phase.seed);
  const c = spec.model;
  if (shape.seqLen !== c.seq_len || shape.vocabSize !== c.vocab_size || shape.identifiers > c.num_puzzle_identifiers) {
    throw new UsageError(
      `--data ${phase.data}: seq_len ${shape.seqLen}, vocab ${shape.vocabSize}, identifiers ${shape.identifiers} do not fit the run's model (seq_len ${c.seq_len}, vocab ${c.vocab_size}, identifiers ${c.num_puzzle_identifiers})`,
    );
  }
  if (checkpoint && o.data) await writeRunSpec(o.out, spec);

  const evalSet = spec.eval ? await openEvalSet(spec.eval.data, spec.eval.limit) : null;
  if (evalSet && (evalSet.shape.seqLen !== c.seq_len || evalSet.shape.vocabSize !== c.vocab_size)) {
    throw new UsageError(
      `--eval ${spec.eval!.data}: seq_len ${evalSet.shape.seqLen}, vocab ${evalSet.shape.vocabSize} do not fit the run's model (seq_len ${c.seq_len}, vocab ${c.vocab_size})`,
    );
  }
  const verify = evalSet ? answerChecker(evalSet.shape) : undefined;
  await registerGradients();

  const initial = init?.weights ?? initWeights(spec.model, spec.training.seed);
  const trainer = await createTrainer({
    config: spec.model,
    weights: initial,
    hyper: spec.training,
    source,
    // Worker threads each run their own wasm backend; a native backend uses its own threads instead.
    ...(workers > 1 && backend === 'wasm' ? { replicas: workerReplicas(Math.min(workers, spec.training.global_batch_size)) } : {}),
  });
  tf.dispose(weightTensors(initial));
  // Until its first checkpoint a new run's folder is undone on failure (e.g. a first step out of memory).
  let undoNewRun = o.resume ? undefined : await createRunDir(o.out, spec);
  if (checkpoint) {
    // A checkpoint from the step a phase begins at holds the previous data's stream: the new one starts fresh.
    if (spec.phases?.length && checkpoint.state.step === phase.step) checkpoint.state.source = source.state();
    await trainer.restore(checkpoint);
    await truncateMetrics(o.out, trainer.step);
  }

  const total = spec.training.total_steps;
  console.log(`run     ${o.out} (${o.resume ? `resumed at step ${trainer.step}` : spec.init ? `new, from ${spec.init.from}` : 'new'})`);
  console.log(
    `model   D ${c.hidden_size} · ${c.mlp_t ? 'mlp_t' : `attention ${c.num_heads} heads`} · T ${c.H_cycles} · n ${c.L_cycles} · N_sup ${c.halt_max_steps} · ${countParameters(c).toLocaleString('en')} parameters`,
  );
  console.log(`data    ${source.description}${phase.step ? ` (from step ${phase.step + 1})` : ''}`);
  console.log(
    `train   batch ${spec.training.global_batch_size} · lr ${spec.training.lr} · ${total} steps · ${backend} backend · ${backend === 'wasm' ? workers : 1} worker${workers > 1 && backend === 'wasm' ? 's' : ''} · seed ${spec.training.seed}${evalSet ? `\neval    ${evalSet.description} every ${spec.eval!.every} steps` : ''}`,
  );

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.log('\nstopping: finishing this step and saving a checkpoint (Ctrl-C again to abort without saving)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const bar = new cliProgress.SingleBar(
    {
      format: 'step {value}/{total} |{bar}| {exps} ex/s · loss {loss} · exact {exact} · halt {halt} · ETA {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 30_000,
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, trainer.step, { exps: '-', loss: '-', exact: '-', halt: '-' });
  const started = Date.now();
  let lastCheckpoint = Date.now();
  const recent: StepMetrics[] = [];
  const recentMs: number[] = [];

  try {
    while (trainer.step < total && !interrupted) {
      if (maxMinutes !== undefined && Date.now() - started > maxMinutes * 60_000) break;
      if (maxSteps !== undefined && trainer.step >= maxSteps) break;
      const t0 = performance.now();
      const m = await trainer.trainStep();
      const ms = performance.now() - t0;
      recent.push(m);
      recentMs.push(ms);
      if (recent.length > 50) recent.shift(), recentMs.shift();
      await appendMetrics(o.out, { type: 'train', time: new Date().toISOString(), ms: Math.round(ms), ...m });
      const halted = recent.reduce((s, r) => s + r.count, 0) || 1;
      bar.update(m.step, {
        exps: ((recent.reduce((s, r) => s + r.examples, 0) / recentMs.reduce((s, v) => s + v, 0)) * 1000).toFixed(1),
        loss: (recent.reduce((s, r) => s + r.lmLoss + 0.5 * r.qHaltLoss, 0) / recent.length).toFixed(3),
        exact: `${((100 * recent.reduce((s, r) => s + r.exactAccuracy * r.count, 0)) / halted).toFixed(1)}%`,
        halt: (recent.reduce((s, r) => s + r.steps * r.count, 0) / halted).toFixed(1),
      });
      if (evalSet && m.step % spec.eval!.every === 0) {
        const weights = trainer.evalWeights();
        const trm = createTrm(spec.model, weights);
        const r = await evaluate(trm, evalSet.examples, { verify });
        trm.dispose();
        tf.dispose(weightTensors(weights));
        await appendMetrics(o.out, { type: 'eval', time: new Date().toISOString(), step: m.step, data: evalSet.description, ...r });
        bar.stop();
        const valid = r.validAccuracy === undefined ? '' : ` · valid ${(100 * r.validAccuracy).toFixed(1)}%`;
        console.log(
          `eval @ ${m.step}: exact ${(100 * r.exactAccuracy).toFixed(1)}% · token ${(100 * r.tokenAccuracy).toFixed(1)}%${valid} · ${r.count} examples · ${r.seconds.toFixed(0)} s`,
        );
        bar.start(total, m.step, { exps: '-', loss: '-', exact: '-', halt: '-' });
      }
      if (Date.now() - lastCheckpoint > checkpointMs) {
        await saveSnapshot(o.out, trainer);
        lastCheckpoint = Date.now();
        undoNewRun = undefined;
      }
    }
  } catch (e) {
    bar.stop();
    if (undoNewRun) await undoNewRun(), console.error(`(removed ${o.out}: the run failed before its first checkpoint)`);
    throw e;
  }
  bar.stop();
  await saveSnapshot(o.out, trainer);
  const why = interrupted ? 'interrupted' : trainer.step >= total ? 'done' : 'time or step limit reached';
  console.log(`${why} at step ${trainer.step}/${total} after ${((Date.now() - started) / 60000).toFixed(1)} min; checkpoint and EMA weights saved in ${o.out}`);
  console.log(`next: npm run train -- --out ${o.out} --resume · npm run eval -- --model ${o.out} --data <spec> · npm run plot -- --run ${o.out}`);
  await trainer.dispose();
  return 0;
}

runCli('train', USAGE, main);
