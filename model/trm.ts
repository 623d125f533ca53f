/**
 * The Tiny Recursive Model network (spec §3), in the order the spec gives it:
 * embed → net (post-norm blocks, shared by both updates) → supervision step → heads.
 *
 * Tensor names follow the spec: x (input embeddings), y (answer state, official z_H),
 * z (latent state, official z_L); all three are [B, L, D] with L = seq_len + P.
 */
import * as tf from '@tensorflow/tfjs-core';
import { prefixLength, totalLength, type TrmConfig } from './config.js';
import { attention, embeddingLookup, linear, rmsNorm, ropeTables, swiglu, tokenMixNorm, type RopeTables } from './layers.js';
import type { BlockWeights, TrmWeights } from './weights.js';
import { DisposedError } from './errors.js';

/** The recurrent state carried between supervision steps. */
export interface Carry {
  y: tf.Tensor3D; // [B, L, D]
  z: tf.Tensor3D; // [B, L, D]
}

export interface Heads {
  logits: tf.Tensor3D; // [B, S, V]: the prefix positions are dropped
  qHalt: tf.Tensor1D; // [B]
}

export interface Trm {
  readonly config: TrmConfig;
  readonly weights: TrmWeights;
  /** P, prefix positions. */
  readonly prefix: number;
  /** L = seq_len + P. */
  readonly length: number;
  /**
   * x = √D·[puzzle prefix ; E_tok[tokens]] (spec §3.2). tokens [B, S] int32; `puzzle` is either the
   * identifiers [B] int32 (rows are looked up in E_puz) or the rows themselves [B, puzzle_emb_ndim].
   */
  embed(tokens: tf.Tensor2D, puzzle: tf.Tensor1D | tf.Tensor2D): tf.Tensor3D;
  /** One application of the network: blocks(h + injection). */
  net(h: tf.Tensor3D, injection: tf.Tensor3D): tf.Tensor3D;
  /** One block (exposed for the parity suite's first-block check). */
  block(h: tf.Tensor3D, layer: number): tf.Tensor3D;
  /**
   * One supervision step without gradient: T rounds of (n z-updates, one y-update); `rounds`
   * (default T) lets training run the T − 1 gradient-free rounds alone.
   * Memory-tight: each application runs in its own tidy and superseded states are freed;
   * the input carry stays owned by the caller, the returned one by the callee's caller.
   */
  step(carry: Carry, x: tf.Tensor3D, rounds?: number): Carry;
  /** One round (n z-updates then one y-update), inside the caller's tidy. For training. */
  round(carry: Carry, x: tf.Tensor3D): Carry;
  /** lm_head over the non-prefix positions and q_head over position 0 (spec §3.4). */
  heads(y: tf.Tensor3D): Heads;
  /** y = H_init, z = L_init broadcast over B samples and L positions (spec §3.5). */
  initialCarry(batch: number): Carry;
  /** Frees the tensors the model created (RoPE tables); the weights stay with their owner. */
  dispose(): void;
}

export function createTrm(config: TrmConfig, weights: TrmWeights): Trm {
  const D = config.hidden_size;
  const P = prefixLength(config);
  const L = totalLength(config);
  const eps = config.rms_norm_eps;
  const embedScale = Math.sqrt(D);
  let rope: RopeTables | null = !config.mlp_t && config.pos_encodings === 'rope' ? ropeTables(L, D / config.num_heads, config.rope_theta) : null;
  let disposed = false;
  const live = () => {
    if (disposed) throw new DisposedError('TRM model');
  };

  function block(h: tf.Tensor3D, layer: number): tf.Tensor3D {
    const w: BlockWeights = weights.layers[layer]!;
    const B = h.shape[0];
    let h2: tf.Tensor2D;
    if (w.mlpT) {
      h2 = tf.reshape(tokenMixNorm(h, w.mlpT, eps), [B * L, D]);
    } else {
      const flat = tf.reshape(h, [B * L, D]) as tf.Tensor2D;
      h2 = rmsNorm(tf.add(flat, attention(flat, B, config.num_heads, w.attn!, rope)), eps);
    }
    return tf.reshape(rmsNorm(tf.add(h2, swiglu(h2, w.mlp)), eps), [B, L, D]);
  }

  function net(h: tf.Tensor3D, injection: tf.Tensor3D): tf.Tensor3D {
    let out = tf.add(h, injection) as tf.Tensor3D;
    for (let layer = 0; layer < weights.layers.length; layer++) out = block(out, layer);
    return out;
  }

  function embed(tokens: tf.Tensor2D, puzzle: tf.Tensor1D | tf.Tensor2D): tf.Tensor3D {
    live();
    return tf.tidy(() => {
      const [B, S] = tokens.shape;
      let e: tf.Tensor3D = tf.reshape(embeddingLookup(weights.embedTokens, tf.reshape(tokens, [B * S])), [B, S, D]);
      if (P > 0) {
        // One row of width puzzle_emb_ndim laid row-major over P slots, zero-padded (spec §3.2).
        // Training passes the rows themselves (the official scratch copy that receives the gradient).
        const rows = puzzle.rank === 2 ? (puzzle as tf.Tensor2D) : (tf.gather(weights.puzzleEmb!, puzzle) as tf.Tensor2D); // [B, ndim]
        const padded = tf.pad(rows, [
          [0, 0],
          [0, P * D - config.puzzle_emb_ndim],
        ]);
        e = tf.concat([tf.reshape(padded, [B, P, D]) as tf.Tensor3D, e], 1);
      }
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: the official code's literal, not Math.SQRT1_2 (parity)
      if (weights.embedPos) e = tf.mul(tf.add(e, weights.embedPos), 0.707106781);
      return tf.mul(e, embedScale);
    });
  }

  // z ← net(z, y + x) n times, then y ← net(y, z). y + x is summed first (official order).
  function round(carry: Carry, x: tf.Tensor3D): Carry {
    let { y, z } = carry;
    const yx = tf.add(y, x) as tf.Tensor3D;
    for (let i = 0; i < config.L_cycles; i++) z = net(z, yx);
    y = net(y, z);
    return { y, z };
  }

  function step(carry: Carry, x: tf.Tensor3D, rounds = config.H_cycles): Carry {
    live();
    let { y, z } = carry;
    const replace = (old: tf.Tensor, original: tf.Tensor) => old !== original && old.dispose();
    for (let t = 0; t < rounds; t++) {
      const yx = tf.add(y, x) as tf.Tensor3D;
      for (let i = 0; i < config.L_cycles; i++) {
        const next = tf.tidy(() => net(z, yx));
        replace(z, carry.z);
        z = next;
      }
      yx.dispose();
      const next = tf.tidy(() => net(y, z));
      replace(y, carry.y);
      y = next;
    }
    return { y, z };
  }

  function heads(y: tf.Tensor3D): Heads {
    live();
    return tf.tidy(() => {
      const [B, ,] = y.shape;
      const S = config.seq_len;
      const cells = tf.reshape(tf.slice(y, [0, P, 0], [B, S, D]), [B * S, D]) as tf.Tensor2D;
      const logits = tf.reshape(linear(cells, weights.lmHead), [B, S, config.vocab_size]) as tf.Tensor3D;
      const first = tf.reshape(tf.slice(y, [0, 0, 0], [B, 1, D]), [B, D]) as tf.Tensor2D;
      const q = tf.add(linear(first, weights.qHead), weights.qHeadBias); // [B, 2]; column 1 (continue) is unused by TRM
      return { logits, qHalt: tf.reshape(tf.slice(q, [0, 0], [B, 1]), [B]) as tf.Tensor1D };
    });
  }

  function initialCarry(batch: number): Carry {
    live();
    return tf.tidy(() => ({
      y: tf.broadcastTo(tf.reshape(weights.hInit, [1, 1, D]), [batch, L, D]) as tf.Tensor3D,
      z: tf.broadcastTo(tf.reshape(weights.lInit, [1, 1, D]), [batch, L, D]) as tf.Tensor3D,
    }));
  }

  return {
    config,
    weights,
    prefix: P,
    length: L,
    embed,
    net: (h, injection) => (live(), tf.tidy(() => net(h, injection))),
    block: (h, layer) => (live(), tf.tidy(() => block(h, layer))),
    step,
    round,
    heads,
    initialCarry,
    dispose() {
      if (disposed) return;
      disposed = true;
      if (rope) tf.dispose([rope.cos, rope.sin, rope.rotateHalf]);
      rope = null;
    },
  };
}
