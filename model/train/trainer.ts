/**
 * The official training recipe (spec §5): an ACT loop whose carry persists across optimizer
 * steps. Each step draws a fresh batch; slots that halted last step take its examples and restart
 * from (H_init, L_init), the others keep their example and carry (their share of the batch is
 * discarded unseen); the batch is drawn one step ahead, while the replicas compute. Halting: q_halt > 0
 * or halt_max_steps, vetoed with the exploration rule (or halt_max_steps only, with `halting: false`). Then SignSGD on the batch's puzzle rows,
 * AdamATan2 on every parameter, and the EMA.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrmConfig } from '../config.js';
import type { DataSource, Example } from '../data/source.js';
import { createRng, type Rng, type RngState } from '../rng.js';
import { createTrm, type Trm } from '../trm.js';
import { BUFFERS, namedWeights, weightsFromNamed, type TrmWeights } from '../weights.js';
import { createAdamAtan2, type AdamAtan2 } from './adam-atan2.js';
import { createEma, type Ema } from './ema.js';
import type { TrainHyper } from './hyper.js';
import { createReplica, type ReplicaInput, type ReplicaOutput } from './replica.js';
import { learningRate } from './schedule.js';
import { signSgdRows } from './sign-sgd.js';
import { isHeapExhausted, TrmError } from '../errors.js';

/** Where gradients are computed: in this thread, or in worker threads (runtime edge). */
export interface ReplicaSet {
  /** Slots per replica, in order; they sum to the global batch. */
  readonly sizes: readonly number[];
  compute(inputs: ReplicaInput[]): Promise<ReplicaOutput[]>;
  /** Called after each optimizer step with the updated parameters and puzzle table. */
  afterUpdate(values: ReadonlyMap<string, tf.Tensor>): Promise<void>;
  readCarry(): Promise<{ y: Float32Array; z: Float32Array }[]>;
  writeCarry(carries: { y: Float32Array; z: Float32Array }[]): Promise<void>;
  dispose(): Promise<void>;
}

export type ReplicaFactory = (trm: Trm, params: ReadonlyMap<string, tf.Variable>, globalBatch: number) => ReplicaSet;

/**
 * A step that exhausted the backend's heap, said as what it is, with the remedy, instead of a stack trace. The tape
 * keeps every intermediate of the last round: maze-att-cpu at 30×30 fits 4 examples per worker, not 8.
 */
function heapExhausted(e: Error, slots: number, seqLen: number): TrmError | undefined {
  if (!isHeapExhausted(e)) return undefined;
  return new TrmError(
    'out_of_memory',
    `a training step ran out of the backend's memory with ${slots} examples per worker of ${seqLen} tokens (${e.message}); the wasm backend has at most 4 GB per worker thread: lower the batch or spread it over more workers`,
  );
}

/** One replica in this thread, sharing the trainer's variables. */
export const localReplicas: ReplicaFactory = (trm, params, globalBatch) => {
  const replica = createReplica(trm, params, globalBatch);
  return {
    sizes: [globalBatch],
    compute: async ([input]) => [await replica.compute(input!)],
    afterUpdate: async () => {},
    readCarry: async () => [await replica.readCarry()],
    writeCarry: async ([c]) => replica.writeCarry(c!.y, c!.z),
    dispose: async () => replica.dispose(),
  };
};

/** What one optimizer step reports (official train_batch metrics: losses per example, others per counted row). */
export interface StepMetrics {
  step: number;
  lr: number;
  /** Σ_b lm_b / global batch. */
  lmLoss: number;
  /** Σ_b bce_b / global batch. */
  qHaltLoss: number;
  /** Rows that halted this step (the ones the other metrics average over). */
  count: number;
  /** Mean fraction of correct cells over halted rows. */
  accuracy: number;
  /** Fraction of halted rows entirely right. */
  exactAccuracy: number;
  /** Fraction of halted rows where (q_halt ≥ 0) agrees with being right. */
  qHaltAccuracy: number;
  /** Mean supervision steps of halted rows. */
  steps: number;
  /** New examples taken into the batch this step. */
  examples: number;
}

/** Everything a checkpoint holds to resume bit for bit. */
export interface TrainerSnapshot {
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  state: {
    step: number;
    adamT: number;
    rng: RngState;
    source: unknown;
    slots: { tokens: number[]; labels: number[]; ids: number[]; steps: number[]; halted: boolean[] };
  };
}

export interface Trainer {
  readonly config: TrmConfig;
  readonly hyper: TrainHyper;
  readonly step: number;
  trainStep(): Promise<StepMetrics>;
  /** Weights to evaluate and export: EMA parameters (live ones without EMA) and live buffers. Caller disposes. */
  evalWeights(): TrmWeights;
  snapshot(): Promise<TrainerSnapshot>;
  restore(snapshot: TrainerSnapshot): Promise<void>;
  dispose(): Promise<void>;
}

export interface TrainerOptions {
  config: TrmConfig;
  /** Initial weights; the trainer copies them into variables (the caller keeps ownership). */
  weights: TrmWeights;
  hyper: TrainHyper;
  source: DataSource;
  replicas?: ReplicaFactory;
}

let trainerCount = 0; // TF.js variable names must be unique per engine

export async function createTrainer(options: TrainerOptions): Promise<Trainer> {
  const { config, hyper, source } = options;
  const B = hyper.global_batch_size;
  const S = config.seq_len;
  const N = config.halt_max_steps;
  const prefix = `trainer${++trainerCount}`;

  const variables = new Map<string, tf.Variable>();
  for (const [name, t] of namedWeights(options.weights)) variables.set(name, tf.variable(t.clone(), !BUFFERS.has(name), `${prefix}/${name}`));
  const params = new Map([...variables].filter(([name]) => !BUFFERS.has(name)));
  const trm = createTrm(config, weightsFromNamed(variables, config));
  const replicas = (options.replicas ?? localReplicas)(trm, params, B);
  const adam: AdamAtan2 = createAdamAtan2(params, { beta1: hyper.beta1, beta2: hyper.beta2, weightDecay: hyper.weight_decay });
  const ema: Ema | null = hyper.ema ? createEma(params, hyper.ema_rate) : null;
  let rng: Rng = createRng(hyper.seed);
  let step = 0;
  /** The next step's batch, drawn early, and the source's state before it (what a checkpoint saves). */
  let ahead: { batch: Example[]; before: unknown } | null = null;

  // Slot bookkeeping (spec §5.1): a fresh carry has every slot halted.
  const slots = {
    tokens: new Int32Array(B * S),
    labels: new Int32Array(B * S),
    ids: new Int32Array(B),
    steps: new Int32Array(B),
    halted: new Uint8Array(B).fill(1),
  };

  async function trainStep(): Promise<StepMetrics> {
    step += 1;
    const lr = learningRate(step, hyper.lr, hyper.lr_warmup_steps, hyper.total_steps, hyper.lr_min_ratio);
    const puzzleLr = learningRate(step, hyper.puzzle_emb_lr, hyper.lr_warmup_steps, hyper.total_steps, hyper.lr_min_ratio);

    // Halted slots take the next examples; the others keep theirs.
    const batch: Example[] = ahead?.batch ?? source.next(B);
    ahead = null;
    const reset = slots.halted.slice();
    let examples = 0;
    reset.forEach((r, b) => {
      if (!r) return;
      const ex = batch[b]!;
      slots.tokens.set(ex.tokens, b * S);
      slots.labels.set(ex.labels, b * S);
      slots.ids[b] = ex.id;
      slots.steps[b] = 0;
      examples++;
    });

    const inputs = slotRanges(replicas.sizes).map(
      ([from, to]) =>
        ({
          reset: reset.subarray(from, to),
          tokens: slots.tokens.subarray(from * S, to * S),
          labels: slots.labels.subarray(from * S, to * S),
          identifiers: slots.ids.subarray(from, to),
          globalBatch: B,
        }) satisfies ReplicaInput,
    );
    const computing = replicas.compute(inputs);
    // The next step's batch does not depend on this one's results: draw it while the workers compute
    // (generators rating their puzzles cost up to a third of a step), keeping the state to checkpoint.
    const before = structuredClone(source.state());
    ahead = { batch: source.next(B), before };
    const outputs = await computing.catch((e: Error) => {
      throw heapExhausted(e, Math.max(...replicas.sizes), S) ?? e;
    });

    // Gradients summed over replicas in a fixed order (official: all-reduce sum of loss/global_batch).
    const grads = new Map<string, Float32Array>();
    for (const name of params.keys()) {
      const sum = Float32Array.from(outputs[0]!.grads.get(name)!);
      for (const out of outputs.slice(1)) out.grads.get(name)!.forEach((g, i) => (sum[i]! += g));
      grads.set(name, sum);
    }
    const qHalt = concat(outputs.map((o) => o.qHalt));
    const predictions = concatInt(outputs.map((o) => o.predictions));

    // Halting, with exploration redrawn every step (no gradient; spec §5.1).
    const metrics = { count: 0, accuracy: 0, exact: 0, qAcc: 0, steps: 0 };
    for (let b = 0; b < B; b++) {
      slots.steps[b]! += 1;
      let halted = slots.steps[b]! >= N;
      if (N > 1 && hyper.halting) {
        halted ||= qHalt[b]! > 0;
        const minSteps = rng.next() < config.halt_exploration_prob ? rng.int(2, N + 1) : 0;
        halted &&= slots.steps[b]! >= minSteps;
      }
      slots.halted[b] = halted ? 1 : 0;
      const { labelled, right } = score(predictions, slots.labels, b, S);
      if (halted && labelled > 0) {
        const correct = right === labelled;
        metrics.count++;
        metrics.accuracy += right / labelled;
        metrics.exact += correct ? 1 : 0;
        metrics.qAcc += qHalt[b]! >= 0 === correct ? 1 : 0;
        metrics.steps += slots.steps[b]!;
      }
    }

    // Official order: SignSGD on puzzle rows, then AdamATan2, then the EMA.
    if (variables.has('puzzleEmb')) {
      signSgdRows(variables.get('puzzleEmb')!, slots.ids, concat(outputs.map((o) => o.puzzleGrads!)), puzzleLr, hyper.puzzle_emb_weight_decay);
    }
    const gradTensors = new Map([...grads].map(([name, g]) => [name, tf.tensor(g, params.get(name)!.shape)]));
    adam.step(gradTensors, lr);
    tf.dispose([...gradTensors.values()]);
    ema?.update();
    await replicas.afterUpdate(variables);

    const perRow = Math.max(metrics.count, 1);
    return {
      step,
      lr,
      lmLoss: outputs.reduce((s, o) => s + o.lm, 0) / B,
      qHaltLoss: outputs.reduce((s, o) => s + o.bce, 0) / B,
      count: metrics.count,
      accuracy: metrics.accuracy / perRow,
      exactAccuracy: metrics.exact / perRow,
      qHaltAccuracy: metrics.qAcc / perRow,
      steps: metrics.steps / perRow,
      examples,
    };
  }

  function evalWeights(): TrmWeights {
    const named = new Map<string, tf.Tensor>();
    for (const [name, v] of variables) named.set(name, (ema?.shadow.get(name) ?? v).clone());
    return weightsFromNamed(named, config);
  }

  async function snapshot(): Promise<TrainerSnapshot> {
    const tensors: TrainerSnapshot['tensors'] = new Map();
    const put = async (name: string, t: tf.Tensor) => tensors.set(name, { shape: t.shape, data: (await t.data()) as Float32Array });
    for (const [name, v] of variables) await put(`param/${name}`, v);
    for (const [name, s] of adam.moments()) await put(`adam_m/${name}`, s.m), await put(`adam_v/${name}`, s.v);
    for (const [name, s] of ema?.shadow ?? []) await put(`ema/${name}`, s);
    // Carries are saved whole, in global slot order, so a resume may use another number of workers.
    const carries = await replicas.readCarry();
    const shape = [B, trm.length, config.hidden_size];
    for (const k of ['y', 'z'] as const) tensors.set(`carry/${k}`, { shape, data: concat(carries.map((c) => c[k])) });
    return {
      tensors,
      state: {
        step,
        adamT: adam.t,
        rng: rng.state(),
        source: ahead ? ahead.before : source.state(),
        slots: { tokens: [...slots.tokens], labels: [...slots.labels], ids: [...slots.ids], steps: [...slots.steps], halted: [...slots.halted].map(Boolean) },
      },
    };
  }

  async function restore(snap: TrainerSnapshot): Promise<void> {
    const get = (name: string) => {
      const t = snap.tensors.get(name);
      if (!t) throw new Error(`checkpoint has no ${name}`);
      return t;
    };
    for (const [name, v] of variables) v.assign(tf.tensor(get(`param/${name}`).data, v.shape));
    adam.restore(snap.state.adamT, new Map([...params.keys()].map((n) => [n, { m: get(`adam_m/${n}`).data, v: get(`adam_v/${n}`).data }])));
    for (const [name, s] of ema?.shadow ?? []) s.assign(tf.tensor(get(`ema/${name}`).data, s.shape));
    await replicas.afterUpdate(variables);
    // Checkpoints before the whole-batch layout hold one carry per replica (carry/<i>/y): joined in order.
    const whole = (k: 'y' | 'z') => snap.tensors.get(`carry/${k}`)?.data ?? concat(replicaParts(snap.tensors, k));
    const [y, z] = [whole('y'), whole('z')];
    const rowSize = trm.length * config.hidden_size;
    if (y.length !== B * rowSize || z.length !== B * rowSize) throw new Error(`checkpoint carry holds ${y.length / rowSize} rows, the batch has ${B}`);
    await replicas.writeCarry(slotRanges(replicas.sizes).map(([from, to]) => ({ y: y.slice(from * rowSize, to * rowSize), z: z.slice(from * rowSize, to * rowSize) })));
    step = snap.state.step;
    rng = createRng(snap.state.rng);
    source.restore(snap.state.source);
    ahead = null;
    const s = snap.state.slots;
    slots.tokens.set(s.tokens);
    slots.labels.set(s.labels);
    slots.ids.set(s.ids);
    slots.steps.set(s.steps);
    slots.halted.set(s.halted.map(Number));
  }

  return {
    config,
    hyper,
    get step() {
      return step;
    },
    trainStep,
    evalWeights,
    snapshot,
    restore,
    async dispose() {
      await replicas.dispose();
      adam.dispose();
      ema?.dispose();
      trm.dispose();
      tf.dispose([...variables.values()]);
    },
  };
}

/** Each replica's slots [from, to) in the global batch: contiguous, in replica order. */
function slotRanges(sizes: readonly number[]): [number, number][] {
  let at = 0;
  return sizes.map((size) => [at, (at += size)]);
}

function replicaParts(tensors: TrainerSnapshot['tensors'], k: 'y' | 'z'): Float32Array[] {
  const parts: Float32Array[] = [];
  for (let i = 0; tensors.has(`carry/${i}/${k}`); i++) parts.push(tensors.get(`carry/${i}/${k}`)!.data);
  return parts;
}

/** Labelled cells and how many the prediction gets right, for row b. */
export function score(predictions: Int32Array, labels: Int32Array, b: number, S: number): { labelled: number; right: number } {
  let labelled = 0;
  let right = 0;
  for (let i = b * S; i < (b + 1) * S; i++) {
    if (labels[i] === -100) continue;
    labelled++;
    if (predictions[i] === labels[i]) right++;
  }
  return { labelled, right };
}

const concat = (parts: Float32Array[]) => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};
const concatInt = (parts: Int32Array[]) => {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};
