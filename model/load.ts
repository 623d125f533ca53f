/**
 * From checkpoint bytes to a ready model: read the file (safetensors or PyTorch zip), settle the
 * config (explicit, or inferred from shapes plus hints), and build the weights.
 */
import { readCheckpoint, type ByteSource, type CheckpointFormat } from './checkpoint/index.js';
import { PRESETS, validateConfig, type TrmConfig } from './config.js';
import { inferConfig, loadOfficialWeights, weightTensors, type TrmWeights } from './weights.js';
import { getTask } from './tasks/index.js';
import type { TaskName } from './tasks/codec.js';
import * as tf from '@tensorflow/tfjs-core';

export interface LoadedModel {
  readonly config: TrmConfig;
  readonly weights: TrmWeights;
  /** Where the weights came from, for messages and model cards. */
  readonly source: { name: string; format: CheckpointFormat | 'package' };
  /** Frees the weight tensors. */
  dispose(): void;
}

export interface LoadCheckpointOptions {
  /** A complete config: the checkpoint must match it exactly. */
  config?: unknown;
  /** Partial config for what shapes cannot tell (cycles, heads, seq_len of attention models). */
  hints?: Partial<TrmConfig>;
  /** Fills hints from the task (seq_len, vocab, and the official cycles of its preset). */
  task?: TaskName;
}

/** Official recursion settings per task (README commands): what a checkpoint's shapes cannot tell. */
export function taskHints(task: TaskName, mlpT: boolean): Partial<TrmConfig> {
  const codec = getTask(task);
  const preset = task === 'sudoku' ? PRESETS[mlpT ? 'sudoku-mlp' : 'sudoku-att'] : PRESETS[task === 'maze' ? 'maze-att' : 'arc1-att'];
  return { seq_len: codec.seqLen, vocab_size: codec.vocabSize, H_cycles: preset.H_cycles, L_cycles: preset.L_cycles, halt_max_steps: preset.halt_max_steps };
}

export async function loadCheckpoint(src: ByteSource, options: LoadCheckpointOptions = {}): Promise<LoadedModel> {
  const checkpoint = await readCheckpoint(src);
  let config: TrmConfig;
  if (options.config !== undefined) {
    config = validateConfig(options.config);
  } else {
    const mlpT = checkpoint.tensors.some((t) => t.name.includes('.mlp_t.'));
    config = inferConfig(checkpoint.tensors, { ...(options.task ? taskHints(options.task, mlpT) : {}), ...options.hints });
  }
  const weights = await loadOfficialWeights(checkpoint.tensors, config);
  return {
    config,
    weights,
    source: { name: src.name, format: checkpoint.format },
    dispose: () => tf.dispose(weightTensors(weights)),
  };
}
