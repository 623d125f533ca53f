/**
 * Test-time fit of an ARC task the model was never trained on (spec §12 item 4). An ARC model knows
 * a task only through its puzzle-embedding rows, so an unseen id has none (a blank row scores about
 * 0 %). Fitting builds the task's versions as the official builder would, from its demonstration
 * pairs only (the original plus `aug` augmentations, translated), gives each version a new row and
 * trains those rows alone with the official sparse SignSGD, every weight frozen. Each batch runs
 * the model's N_sup supervision steps with the carry kept between them, one update per step, as in
 * training (every step runs; no halting). The caller appends the rows and votes as usual.
 * The rows start from zeros (what the official code gives a new id), the mean trained row, or the
 * nearest known task's row: the known task under whose row the frozen model predicts the new task's
 * demonstrations best.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArcTaskInput, type ArcTaskInput } from './arc-solver.js';
import { buildArcDataset } from './data/arc-dataset.js';
import { ConfigError, InvalidPuzzleError, TrmError } from './errors.js';
import type { LoadedModel } from './load.js';
import type { LoadedPackage } from './pack/read.js';
import { createRng } from './rng.js';
import { canvasSide, isOriginalArcName, parseArcName } from './tasks/arc.js';
import { actLoss, lmLossRows } from './train/loss.js';
import { signSgdRows } from './train/sign-sgd.js';
import { score } from './train/trainer.js';
import type { Carry, Trm } from './trm.js';

export interface FitOptions {
  /** SignSGD updates (default 300): each batch gives N_sup of them. */
  steps?: number;
  /** Seeds the augmentations, translations and batches (default 1). */
  seed?: number;
  /** Augmented versions besides the original (default 8). */
  aug?: number;
  /**
   * Initial rows: 'mean' of the model's trained rows (default), 'blank' (zeros, what the official
   * code gives a new id) or 'nearest': the row of the known task (its original version) under which
   * the frozen model's answer (after every supervision step) has the lowest loss on the task's demonstrations.
   */
  init?: FitInit;
  /** SignSGD learning rate (default 1e-2, the official ARC puzzle_emb_lr) and weight decay (default 0.1). */
  lr?: number;
  weightDecay?: number;
  /** Examples per batch (default 16). */
  batch?: number;
  /** Called after every update. */
  onProgress?: (progress: FitProgress) => void;
  /** Stops the fit before its next update (it yields to the event loop between updates to hear it); the fit then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export type FitInit = 'mean' | 'blank' | 'nearest';
export const FIT_INITS: readonly FitInit[] = ['mean', 'blank', 'nearest'];

export interface FitProgress {
  step: number;
  steps: number;
  /** The batch's mean cross-entropy per labelled cell (lm loss / batch). */
  loss: number;
  /** Fraction of the batch's demonstrations answered entirely right at this supervision step. */
  exact: number;
}

export interface FittedRows {
  task: string;
  /** Identifier names of the new rows (the original, then each augmentation's), as the official builder names them. */
  names: string[];
  /** [names.length, puzzle_emb_ndim] row-major. */
  rows: Float32Array;
  steps: number;
  /** The last update's progress. */
  last: FitProgress | null;
  /** init 'nearest': the known task the rows started from, and its demonstrations' loss. */
  nearest?: { task: string; loss: number };
  seconds: number;
}

/**
 * Fits rows for `input` (its id, demonstrations and test inputs) on the frozen network `trm`.
 * `known` are the model's identifier names: a task it already knows is refused.
 */
export async function fitArcRows(trm: Trm, known: readonly string[], input: ArcTaskInput, options: FitOptions = {}): Promise<FittedRows> {
  const started = Date.now();
  const cfg = trm.config;
  const { steps = 300, seed = 1, aug = 8, init = 'mean', lr = 1e-2, weightDecay = 0.1, batch = 16, onProgress, signal } = options;
  for (const [name, value, min] of [
    ['steps', steps, 0],
    ['aug', aug, 0],
    ['batch', batch, 1],
    ['seed', seed, 1],
  ] as const)
    if (!Number.isInteger(value) || value < min) throw new ConfigError(`fit: ${name} must be a whole number ≥ ${min}, got ${value}`, [name]);
  if (!(lr > 0) || !(weightDecay >= 0)) throw new ConfigError(`fit: lr must be > 0 and weightDecay ≥ 0, got ${lr} and ${weightDecay}`, ['lr']);
  if (!FIT_INITS.includes(init)) throw new ConfigError(`fit: init must be one of ${FIT_INITS.join(', ')}, got ${JSON.stringify(init)}`, ['init']);
  if (!trm.weights.puzzleEmb || trm.prefix === 0) throw new ConfigError('fit: this model has no puzzle embedding, so there is nothing to fit', ['model']);
  if (!tf.getGradient('RealDiv'))
    throw new ConfigError(
      "fit: TF.js's gradients are not registered (import '@tensorflow/tfjs-core/dist/register_all_gradients' or '@tensorflow/tfjs' once; the Node createSolver does)",
      ['fit'],
    );
  const task = parseArcTaskInput(input);
  if (!task.train?.length) throw new InvalidPuzzleError(`arc: fitting task ${JSON.stringify(task.id)} needs its demonstration pairs (train)`, ['train']);
  if (known.some((name, i) => i > 0 && parseArcName(name).task === task.id))
    throw new TrmError('invalid_input', `arc: the model already has rows for task ${JSON.stringify(task.id)}; fitting is for tasks it has not seen`, ['id']);

  // The official builder on this one task: demonstrations (translated) to train, test inputs to test (never trained on).
  const data = buildArcDataset([{ name: 'fit', tasks: { [task.id]: { train: task.train, test: task.test.map((p) => ({ input: p.input })) } } }], {
    testSet: 'fit',
    numAug: aug,
    seed,
    canvas: canvasSide(cfg.seq_len),
  });
  const names = data.identifiers.slice(1);
  const train = data.train;
  const S = cfg.seq_len;
  const examples = train.inputs.length / S;
  const exampleRow = new Int32Array(examples); // dataset id − 1: the new row of each example
  for (let p = 0; p < train.puzzleIdentifiers.length; p++) exampleRow.fill(train.puzzleIdentifiers[p]! - 1, train.puzzleIndices[p]!, train.puzzleIndices[p + 1]!);

  const ndim = cfg.puzzle_emb_ndim;
  const nearest = init === 'nearest' ? await nearestTask(trm, known, train, exampleRow, signal) : undefined;
  const start = tf.tidy(() => {
    const table = trm.weights.puzzleEmb!;
    if (nearest) return tf.tile(tf.slice(table, [nearest.index, 0], [1, -1]), [names.length, 1]);
    if (init === 'mean' && table.shape[0] > 1) return tf.tile(tf.mean(tf.slice(table, [1, 0], [-1, -1]), 0, true) /* row 0 is the blank id */, [names.length, 1]);
    return tf.zeros([names.length, ndim]);
  });
  const zeros = tf.zeros([batch, ndim]);
  const [table, scratch] = [tf.variable(start, false), tf.variable(zeros, true)];
  tf.dispose([start, zeros]); // the variables hold their own reference to the data
  const rng = createRng(seed);
  let step = 0;
  let last: FitProgress | null = null;
  try {
    while (step < steps) {
      const picks = Array.from({ length: batch }, () => rng.int(0, examples));
      const rowIds = Int32Array.from(picks, (e) => exampleRow[e]!);
      const { tokenData, labelData } = gather(train, picks, S);
      const tokens = tf.tensor2d(tokenData, [batch, S], 'int32');
      const labels = tf.tensor2d(labelData, [batch, S], 'int32');
      let carry: Carry = trm.initialCarry(batch);
      try {
        for (let k = 0; k < cfg.halt_max_steps && step < steps; k++) {
          await listen(signal);
          const next = supervisionStep(trm, carry, tokens, labels, table, scratch, rowIds);
          tf.dispose([carry.y, carry.z]);
          carry = next.carry;
          signSgdRows(table, rowIds, next.rowGrads, lr, weightDecay);
          step++;
          last = { step, steps, loss: next.lm / batch, exact: exactShare(next.predictions, labelData, batch, S) };
          onProgress?.(last);
        }
      } finally {
        tf.dispose([carry.y, carry.z, tokens, labels]);
      }
    }
    const found = nearest && { task: parseArcName(known[nearest.index]!).task, loss: nearest.loss };
    return { task: task.id, names, rows: (await table.data()) as Float32Array, steps, last, ...(found && { nearest: found }), seconds: (Date.now() - started) / 1000 };
  } finally {
    tf.dispose([table, scratch]);
  }
}

/**
 * init 'nearest': every known task's original-version row is tried on the new task's original
 * demonstrations (every supervision step, as a solve runs them, no gradient); the lowest mean
 * cross-entropy per labelled cell of the last step wins. (The first step's loss barely tells tasks
 * apart.) About rows × demonstrations × N_sup sequence passes, in chunks.
 */
async function nearestTask(trm: Trm, known: readonly string[], train: { inputs: Int32Array; labels: Int32Array }, exampleRow: Int32Array, signal?: AbortSignal) {
  const S = trm.config.seq_len;
  const demos = Array.from(exampleRow).flatMap((row, e) => (row === 0 ? [e] : [])); // version 0 is the original
  const candidates = known.flatMap((name, i) => (i > 0 && isOriginalArcName(name) ? [i] : []));
  if (!candidates.length) throw new TrmError('no_identifiers', 'fit: this model has no trained task rows to start from (init nearest)');
  const E = demos.length;
  const chunk = Math.max(1, Math.floor(256 / E));
  const { tokenData, labelData } = gather(train, demos, S);
  let best = { index: candidates[0]!, loss: Infinity };
  for (let c0 = 0; c0 < candidates.length; c0 += chunk) {
    await listen(signal);
    const ids = candidates.slice(c0, c0 + chunk);
    const B = ids.length * E;
    const losses = tf.tidy(() => {
      const tokens = tf.tile(tf.tensor2d(tokenData, [E, S], 'int32'), [ids.length, 1]) as tf.Tensor2D;
      const labels = tf.tile(tf.tensor2d(labelData, [E, S], 'int32'), [ids.length, 1]);
      const rowIds = tf.tensor1d(
        ids.flatMap((id) => Array<number>(E).fill(id)),
        'int32',
      );
      const x = trm.embed(tokens, rowIds);
      let carry = trm.initialCarry(B);
      for (let k = 0; k < trm.config.halt_max_steps; k++) carry = trm.step(carry, x);
      return tf.mean(tf.reshape(lmLossRows(trm.heads(carry.y).logits, labels), [ids.length, E]), 1);
    });
    const values = losses.dataSync();
    losses.dispose();
    values.forEach((loss, k) => {
      if (loss < best.loss) best = { index: ids[k]!, loss };
    });
  }
  return best;
}

/** One supervision step: T − 1 rounds without gradient, the last with the rows' gradient (the official 1-step gradient). */
function supervisionStep(trm: Trm, carry: Carry, tokens: tf.Tensor2D, labels: tf.Tensor2D, table: tf.Variable, scratch: tf.Variable, rowIds: Int32Array) {
  const B = rowIds.length;
  tf.tidy(() => scratch.assign(tf.gather(table, tf.tensor1d(rowIds, 'int32'))));
  const x0 = trm.embed(tokens, scratch as tf.Tensor2D);
  const before = trm.config.H_cycles > 1 ? trm.step(carry, x0, trm.config.H_cycles - 1) : carry;
  x0.dispose();
  let kept: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const next = trm.round(before, trm.embed(tokens, scratch as tf.Tensor2D));
    const heads = trm.heads(next.y);
    const loss = actLoss(heads.logits, heads.qHalt, labels);
    kept = [next.y, next.z, tf.argMax(heads.logits, -1), loss.lm].map((t) => tf.keep(t));
    return tf.div(loss.total, B) as tf.Scalar;
  }, [scratch]);
  if (before !== carry) tf.dispose([before.y, before.z]);
  const [y, z, predictions, lm] = kept as [tf.Tensor3D, tf.Tensor3D, tf.Tensor, tf.Tensor];
  const out = { carry: { y, z }, rowGrads: grads[scratch.name]!.dataSync() as Float32Array, predictions: predictions.dataSync() as Int32Array, lm: lm.dataSync()[0]! };
  tf.dispose([value, ...Object.values(grads), predictions, lm]);
  return out;
}

/**
 * `base` with the fitted rows appended to its puzzle table and their names to its ARC identifiers: a
 * model the usual voting answers the fitted tasks with. It shares every other tensor with `base`;
 * its `dispose` frees only the new table (the caller keeps `base`).
 */
export function withFittedRows(base: LoadedModel, fitted: readonly FittedRows[]): LoadedPackage {
  const names = (base as Partial<LoadedPackage>).metadata?.arc?.identifiers;
  if (!names || !base.weights.puzzleEmb) throw new TrmError('no_identifiers', 'this model records no ARC identifiers to add fitted rows to');
  const ndim = base.config.puzzle_emb_ndim;
  const added = fitted.reduce((n, f) => n + f.names.length, 0);
  const puzzleEmb = tf.tidy(() => tf.concat([base.weights.puzzleEmb!, ...fitted.map((f) => tf.tensor2d(f.rows, [f.names.length, ndim]))], 0) as tf.Tensor2D);
  const metadata = (base as LoadedPackage).metadata;
  return {
    config: { ...base.config, num_puzzle_identifiers: base.config.num_puzzle_identifiers + added },
    weights: { ...base.weights, puzzleEmb },
    source: base.source,
    metadata: { ...metadata, arc: { ...metadata.arc, identifiers: [...names, ...fitted.flatMap((f) => f.names)] } },
    dispose: () => puzzleEmb.dispose(),
  } satisfies LoadedPackage;
}

/** Yields to the event loop (so that an abort, a worker's message, can arrive), then throws if the fit was aborted. */
async function listen(signal?: AbortSignal): Promise<void> {
  if (!signal) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (signal.aborted) throw signal.reason ?? new DOMException('the fit was aborted', 'AbortError');
}

/** The examples `picks` of `train`, one after another: a batch's tokens and labels. */
function gather(train: { inputs: Int32Array; labels: Int32Array }, picks: readonly number[], S: number) {
  const tokenData = new Int32Array(picks.length * S);
  const labelData = new Int32Array(picks.length * S);
  picks.forEach((e, b) => {
    tokenData.set(train.inputs.subarray(e * S, (e + 1) * S), b * S);
    labelData.set(train.labels.subarray(e * S, (e + 1) * S), b * S);
  });
  return { tokenData, labelData };
}

/** The share of the batch's rows whose every labelled cell is predicted right. */
function exactShare(predictions: Int32Array, labels: Int32Array, batch: number, S: number): number {
  let exact = 0;
  for (let b = 0; b < batch; b++) {
    const { labelled, right } = score(predictions, labels, b, S);
    if (right === labelled) exact++;
  }
  return exact / batch;
}
