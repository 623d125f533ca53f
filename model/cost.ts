/**
 * Parameter and FLOP counts (spec §9): trainable parameters only (E_puz, H_init, L_init are
 * buffers), FLOPs of matmuls only (1 MAC = 2 FLOPs; elementwise work adds < 1 % for Sudoku).
 */
import { applicationsPerStep, swigluWidth, totalLength, type TrmConfig } from './config.js';

/** Trainable parameters: token embedding, lm/q heads, blocks (and learned positions). */
export function countParameters(cfg: TrmConfig): number {
  const D = cfg.hidden_size;
  const L = totalLength(cfg);
  const I = swigluWidth(D, cfg.expansion);
  const mixer = cfg.mlp_t ? 3 * L * swigluWidth(L, cfg.expansion) : 4 * D * D;
  const heads = 2 * cfg.vocab_size * D + 2 * D + 2;
  const positions = cfg.pos_encodings === 'learned' ? L * D : 0;
  return heads + positions + cfg.L_layers * (mixer + 3 * D * I);
}

/** Matmul FLOPs of one application of the network (all blocks) for one example. */
export function flopsPerApplication(cfg: TrmConfig): number {
  const D = cfg.hidden_size;
  const L = totalLength(cfg);
  const I = swigluWidth(D, cfg.expansion);
  const mixer = cfg.mlp_t
    ? 3 * D * L * swigluWidth(L, cfg.expansion) // gate, up and down along the sequence, per channel
    : 4 * L * D * D + 2 * L * L * D; // q, k, v, o projections; scores and A·V
  return 2 * cfg.L_layers * (mixer + 3 * L * D * I);
}

/** Matmul FLOPs of one supervision step for one example: T(n+1) applications plus the heads. */
export function flopsPerStep(cfg: TrmConfig): number {
  const heads = 2 * (cfg.seq_len * cfg.hidden_size * cfg.vocab_size + cfg.hidden_size * 2);
  return applicationsPerStep(cfg) * flopsPerApplication(cfg) + heads;
}

/**
 * Matmul FLOPs of one training sample-step (spec §9.2): the whole forward step plus the backward
 * of the n+1 gradient-tracked applications (≈ 2× their forward).
 */
export function flopsPerTrainStep(cfg: TrmConfig): number {
  return flopsPerStep(cfg) + 2 * (cfg.L_cycles + 1) * flopsPerApplication(cfg);
}
