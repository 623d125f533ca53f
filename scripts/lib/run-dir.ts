/**
 * A training run folder:
 *   run.json                 what was asked (model config, hyper-parameters, data, eval), fixed at creation
 *                            but for the data phases a resume with --data appends (a curriculum)
 *   checkpoint.safetensors   everything to resume bit for bit (parameters, optimizer moments, EMA,
 *                            carries, slots, RNG and data-source state in the metadata)
 *   step_<N>.safetensors     EMA weights in the official state_dict layout (the last three kept)
 *   all_config.yaml          the config beside them, so `npm run solve/eval -- --model <run>` loads it
 *   metrics.jsonl            one JSON line per optimizer step ({type:"train"}) and evaluation ({type:"eval"})
 * Every file is written to a temporary name, flushed, then renamed: a crash never leaves a half file.
 */
import { appendFile, mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors } from '../../model/checkpoint/safetensors.js';
import { bytesSource } from '../../model/checkpoint/byte-source.js';
import { validateConfig, type TrmConfig } from '../../model/config.js';
import { validateHyper, type TrainHyper } from '../../model/train/hyper.js';
import type { Trainer, TrainerSnapshot } from '../../model/train/trainer.js';
import { namedWeights, toOfficial, weightTensors } from '../../model/weights.js';
import { TrmError } from '../../model/index.js';
import * as tf from '@tensorflow/tfjs-core';

export interface RunSpec {
  version: 1;
  model: TrmConfig;
  training: TrainHyper;
  /** The data the run started on. */
  data: string;
  /** Later data, in order: each from its step on (the step its resume started at). */
  phases?: DataPhase[];
  task: string;
  /** The trained model the parameters started from (--init), and that model's own provenance. */
  init?: { from: string; provenance: string };
  eval?: { data: string; every: number; limit: number };
  created: string;
}

/** Training data from optimizer step `step` + 1 on, its stream seeded with `seed`. */
export interface DataPhase {
  step: number;
  data: string;
  seed: number;
}

/** Every data phase of the run in order: the data it started on is phase 0, with the run's seed. */
export const dataPhases = (spec: RunSpec): DataPhase[] => [{ step: 0, data: spec.data, seed: spec.training.seed }, ...(spec.phases ?? [])];

/** The data the run trains on now. */
export const currentData = (spec: RunSpec): DataPhase => dataPhases(spec).at(-1)!;

/**
 * The run with `data` from `step` on. Its stream gets a seed of its own (the run's seed + step), so
 * it never replays the examples of an earlier phase; a phase that starts at the same step replaces
 * the last one (a resume with --data that was retried).
 */
export function withDataPhase(spec: RunSpec, data: string, step: number): RunSpec {
  const kept = (spec.phases ?? []).filter((p) => p.step < step);
  return { ...spec, phases: [...kept, { step, data, seed: spec.training.seed + step }] };
}

/** The data of every phase with its steps, for cards and configs: "A (steps 1-2,619), then B (from step 2,620, seed 2621)". */
export function describeData(spec: RunSpec): string {
  const phases = spec.phases ?? [];
  if (!phases.length) return spec.data;
  const n = (v: number) => v.toLocaleString('en');
  const steps = (p: DataPhase, i: number) => (i + 1 < phases.length ? `steps ${n(p.step + 1)}-${n(phases[i + 1]!.step)}` : `from step ${n(p.step + 1)}`);
  return [`${spec.data} (steps 1-${n(phases[0]!.step)})`, ...phases.map((p, i) => `${p.data} (${steps(p, i)}, seed ${p.seed})`)].join(', then ');
}

const KEEP_WEIGHTS = 3;

/**
 * The training-curves figure's file name, in a run folder (`npm run plot`'s default) and in a package.
 * Here, not beside the chart code, so that writing a package does not load Vega.
 */
export const TRAINING_SVG = 'training.svg';

/** Writes `bytes` to `path` atomically (temporary file, fsync, rename). */
export async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w').catch((e: NodeJS.ErrnoException) => {
    throw Object.assign(e, { path }); // the user's path in the message, not the temporary name
  });
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

export const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Refuses a --out that holds a run or is a file: checked before a new run's work, and again when creating it. */
export async function checkNewRunDir(dir: string): Promise<void> {
  if (await exists(join(dir, 'run.json'))) {
    throw new TrmError('run_exists', `${dir} already holds a run; continue it with --resume or choose another --out`);
  }
  if ((await stat(dir).catch(() => null))?.isFile()) throw new TrmError('invalid_path', `--out ${dir}: is a file, not a run folder`);
}

/**
 * Creates a new run's folder and run.json. Returns what undoes it, for a run that fails before its first
 * checkpoint: such a folder holds nothing worth keeping and would refuse both a retry and --resume.
 */
export async function createRunDir(dir: string, spec: RunSpec): Promise<() => Promise<void>> {
  await checkNewRunDir(dir);
  const created = await mkdir(dir, { recursive: true }); // the first folder it made, if any
  await writeRunSpec(dir, spec);
  return async () => {
    if (created) await rm(created, { recursive: true, force: true });
    else await Promise.all(['run.json', 'all_config.yaml', 'metrics.jsonl'].map((f) => rm(join(dir, f), { force: true })));
  };
}

export async function writeRunSpec(dir: string, spec: RunSpec): Promise<void> {
  await writeAtomic(join(dir, 'run.json'), `${JSON.stringify(spec, null, 2)}\n`);
  await writeAtomic(join(dir, 'all_config.yaml'), toYaml({ arch: spec.model, training: spec.training, data: describeData(spec), ...(spec.init ? { init: spec.init } : {}) }));
}

/** run.json's fields; `model` and `training` are checked by the model's own validators. Unknown keys are kept. */
const runSpecSchema = z.looseObject({
  version: z.literal(1),
  model: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  data: z.string().min(1),
  phases: z.array(z.object({ step: z.number().int().min(0), data: z.string().min(1), seed: z.number().int().min(1) })).optional(),
  task: z.string(),
  init: z.object({ from: z.string(), provenance: z.string() }).optional(),
  eval: z.object({ data: z.string().min(1), every: z.number().int().min(1), limit: z.number().int().min(1) }).optional(),
  created: z.string(),
});

export async function readRunSpec(dir: string): Promise<RunSpec> {
  const file = join(dir, 'run.json');
  if (!(await exists(file))) throw new TrmError('no_run', `${dir}: no run.json: not a training run folder (a new run starts without --resume)`);
  const invalid = (why: string) => new TrmError('invalid_run', `${file}: ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw invalid(`not readable JSON (${(e as Error).message})`);
  }
  const r = runSpecSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw invalid(`${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  try {
    return { ...r.data, model: validateConfig(r.data.model), training: validateHyper(r.data.training) } as RunSpec;
  } catch (e) {
    throw invalid((e as Error).message);
  }
}

export async function appendMetrics(dir: string, record: object): Promise<void> {
  await appendFile(join(dir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
}

export interface MetricLine {
  type: string;
  step: number;
  time: string;
  ms?: number;
  /** Evaluation lines: the held-out set's description. */
  data?: string;
}

/** The lines of metrics.jsonl, without a last line torn by a kill. */
export async function readMetrics(dir: string): Promise<MetricLine[]> {
  const path = join(dir, 'metrics.jsonl');
  if (!(await exists(path))) return [];
  const parse = (l: string) => {
    try {
      return [JSON.parse(l) as MetricLine];
    } catch {
      return [];
    }
  };
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .flatMap(parse);
}

/**
 * Drops metric lines past `step`: a run killed between checkpoints logged steps that its resume
 * will run again, and they must not appear twice (nor a line torn by the kill).
 */
export async function truncateMetrics(dir: string, step: number): Promise<void> {
  const kept = (await readMetrics(dir)).filter((m) => m.step <= step);
  await writeAtomic(join(dir, 'metrics.jsonl'), kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
}

/** Saves the trainer snapshot (resumable state) and the EMA weights of the current step. */
export async function saveSnapshot(dir: string, trainer: Trainer): Promise<void> {
  const snap = await trainer.snapshot();
  await writeAtomic(join(dir, 'checkpoint.safetensors'), writeSafetensors(snap.tensors, { state: JSON.stringify(snap.state) }));

  const weights = trainer.evalWeights();
  try {
    const arrays = new Map([...namedWeights(weights)].map(([name, t]) => [name, t.dataSync() as Float32Array]));
    const official = new Map([...toOfficial(arrays, trainer.config)].map(([key, v]) => [`_orig_mod.model.inner.${key}`, v]));
    await writeAtomic(join(dir, `step_${trainer.step}.safetensors`), writeSafetensors(official, { format: 'pt', source: 'trm-edge training run (EMA weights)' }));
  } finally {
    tf.dispose(weightTensors(weights));
  }
  const steps = (await readdir(dir))
    .map((f) => /^step_(\d+)\.safetensors$/.exec(f)?.[1])
    .filter((n): n is string => !!n)
    .map(Number)
    .sort((a, b) => b - a);
  await Promise.all(steps.slice(KEEP_WEIGHTS).map((n) => rm(join(dir, `step_${n}.safetensors`))));
}

export async function loadSnapshot(dir: string): Promise<TrainerSnapshot> {
  const path = join(dir, 'checkpoint.safetensors');
  if (!(await exists(path))) throw new TrmError('no_checkpoint', `${dir}: no checkpoint.safetensors to resume from`);
  const src = bytesSource(new Uint8Array(await readFile(path)), path);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of await readSafetensors(src)) tensors.set(t.name, { shape: [...t.shape], data: await t.read() });
  const meta = await readSafetensorsMetadata(src);
  return { tensors, state: JSON.parse(meta.state!) };
}
