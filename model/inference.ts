/**
 * The inference loop (spec §4): start every sample from (H_init, L_init), run supervision steps,
 * and read predictions and q_halt after each. `halt: 'never'` is the official evaluation (all
 * samples run `maxSteps`, default halt_max_steps); `halt: 'q'` stops a sample at the first step
 * with q_halt > 0 (the training rule). Stopped samples are compacted out of the batch, so the
 * remaining ones run at full speed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TrmError } from './errors.js';
import { stablemax } from './stablemax.js';
import type { Carry, Trm } from './trm.js';

export type HaltMode = 'never' | 'q';

export interface Batch {
  /** Row-major [B, seq_len] token ids. */
  tokens: Int32Array;
  /** [B] puzzle identifiers (0 for Sudoku and Maze). */
  identifiers: Int32Array;
}

export interface StepOptions {
  /** Supervision steps at most; default config.halt_max_steps. */
  maxSteps?: number;
  /** Default 'never' (official evaluation). */
  halt?: HaltMode;
  /** Also return per-cell stablemax probabilities [seq_len·vocab] at each step. */
  probabilities?: boolean;
  /** Stops the run before the next step once aborted (e.g. the client went away). */
  signal?: AbortSignal;
  /**
   * Yield to the event loop after each step, so a server can flush streamed steps and take other
   * requests meanwhile (reads from the wasm backend resolve as microtasks, which never yield).
   */
  yieldEachStep?: boolean;
  /**
   * Stops more samples than the halting rule does: called with each step's samples before they are
   * yielded, returns the batch indices to stop now (their `stop` and `halted` become true).
   */
  stopWhere?: (out: StepOutput) => ReadonlySet<number>;
}

export interface SampleStep {
  /** Position of the sample in the batch. */
  index: number;
  /** [seq_len] argmax tokens. */
  predictions: Int32Array;
  /** The q_halt logit; σ(q_halt) is the model's belief that the whole answer is right. */
  qHalt: number;
  probabilities?: Float32Array;
  /** The sample runs no further step. */
  stop: boolean;
  /** Its halting rule fired: q_halt > 0 in 'q' mode, or halt_max_steps reached (official rule), or `stopWhere` stopped it. */
  halted: boolean;
}

export interface StepOutput {
  /** 1-based supervision step. */
  step: number;
  /** The samples computed at this step (those not stopped before), in batch order. */
  samples: SampleStep[];
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** The batch size, after checking shapes, token range and identifiers (TrmError 'invalid_input' naming the entry). */
export function checkBatch(trm: Trm, batch: Batch): number {
  const { seq_len: S, vocab_size: V, num_puzzle_identifiers: N } = trm.config;
  const B = batch.identifiers.length;
  if (B === 0) throw new TrmError('invalid_input', 'empty batch');
  if (batch.tokens.length !== B * S) {
    throw new TrmError('invalid_input', `tokens has ${batch.tokens.length} entries, expected batch ${B} × seq_len ${S} = ${B * S}`, ['tokens']);
  }
  const bad = batch.tokens.findIndex((t) => !(t >= 0 && t < V));
  if (bad >= 0) throw new TrmError('invalid_input', `token ${batch.tokens[bad]} at sample ${Math.floor(bad / S)}, cell ${bad % S} is outside [0, ${V})`, ['tokens', bad]);
  const badId = batch.identifiers.findIndex((id) => !(id >= 0 && id < N));
  if (badId >= 0) throw new TrmError('invalid_input', `puzzle identifier ${batch.identifiers[badId]} of sample ${badId} is outside [0, ${N})`, ['identifiers', badId]);
  return B;
}

function checkOptions(trm: Trm, o: StepOptions): Required<Omit<StepOptions, 'signal' | 'yieldEachStep' | 'stopWhere'>> {
  const maxSteps = o.maxSteps ?? trm.config.halt_max_steps;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new TrmError('invalid_options', `maxSteps must be a positive integer, got ${maxSteps}`, ['maxSteps']);
  const halt = o.halt ?? 'never';
  if (halt !== 'never' && halt !== 'q') throw new TrmError('invalid_options', `halt must be 'never' or 'q', got ${JSON.stringify(halt)}`, ['halt']);
  return { maxSteps, halt, probabilities: o.probabilities ?? false };
}

/**
 * Yields each supervision step's outputs. Tensors live only inside the generator; breaking out
 * of a `for await` frees them (the finally block runs).
 */
export async function* recurse(trm: Trm, batch: Batch, options: StepOptions = {}): AsyncGenerator<StepOutput> {
  const B = checkBatch(trm, batch);
  const { maxSteps, halt, probabilities } = checkOptions(trm, options);
  const S = trm.config.seq_len;
  const V = trm.config.vocab_size;

  let x = tf.tidy(() => trm.embed(tf.tensor2d(batch.tokens, [B, S], 'int32'), tf.tensor1d(batch.identifiers, 'int32')));
  let carry: Carry = trm.initialCarry(B);
  let active = Array.from({ length: B }, (_, i) => i);
  try {
    for (let step = 1; step <= maxSteps; step++) {
      if (options.signal?.aborted) break;
      const next = trm.step(carry, x);
      tf.dispose([carry.y, carry.z]);
      carry = next;

      const out = tf.tidy(() => {
        const { logits, qHalt } = trm.heads(carry.y);
        const named: tf.NamedTensorMap = { predictions: tf.argMax(logits, -1), qHalt };
        if (probabilities) named.probs = stablemax(logits);
        return named;
      });
      const [predictions, qHalt, probs] = await Promise.all([out.predictions!.data(), out.qHalt!.data(), out.probs?.data()]);
      tf.dispose(out);

      const samples = active.map((index, row): SampleStep => {
        const q = qHalt[row]!;
        const halted = (halt === 'q' && q > 0) || step >= trm.config.halt_max_steps;
        return {
          index,
          predictions: Int32Array.from(predictions.subarray(row * S, (row + 1) * S)),
          qHalt: q,
          ...(probs ? { probabilities: Float32Array.from(probs.subarray(row * S * V, (row + 1) * S * V)) } : {}),
          stop: step === maxSteps || (halt === 'q' && q > 0),
          halted,
        };
      });
      const extra = options.stopWhere?.({ step, samples });
      if (extra?.size) for (const s of samples) if (extra.has(s.index)) s.stop = s.halted = true;
      yield { step, samples };
      if (options.yieldEachStep) await new Promise((resolve) => setTimeout(resolve, 0));

      const keep = samples.flatMap((s, row) => (s.stop ? [] : [row]));
      if (keep.length === 0) break;
      if (keep.length < active.length) {
        // Compaction: drop finished rows from the carry and x.
        const rows = tf.tensor1d(keep, 'int32');
        const [y, z, xKept] = [tf.gather(carry.y, rows), tf.gather(carry.z, rows), tf.gather(x, rows)];
        tf.dispose([rows, carry.y, carry.z, x]);
        carry = { y, z };
        x = xKept;
        active = keep.map((row) => active[row]!);
      }
    }
  } finally {
    tf.dispose([carry.y, carry.z, x]);
  }
}

export interface SampleResult {
  index: number;
  predictions: Int32Array;
  qHalt: number;
  /** Supervision steps this sample ran. */
  steps: number;
  halted: boolean;
}

/** Runs `recurse` to the end and returns each sample's last step, calling `onStep` on the way. */
export async function runSteps(trm: Trm, batch: Batch, options: StepOptions & { onStep?: (out: StepOutput) => void } = {}): Promise<SampleResult[]> {
  const results: SampleResult[] = [];
  for await (const out of recurse(trm, batch, options)) {
    options.onStep?.(out);
    for (const s of out.samples) {
      results[s.index] = { index: s.index, predictions: s.predictions, qHalt: s.qHalt, steps: out.step, halted: s.halted };
    }
  }
  return results;
}
