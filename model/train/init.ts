/**
 * Official initialisation (spec §2.3): every linear weight TN(1/√fan_in), token embedding
 * TN(1/√D), q_head W = 0 and b = −5 (σ(−5) ≈ 0.0067, "almost never halt" at first), puzzle rows
 * zero, H_init/L_init TN(1) rounded to bfloat16 as the official buffers are made.
 * TN(std) is a normal truncated at ±2σ_c with σ_c = std/0.8796256610, so the realised std is `std`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrmConfig } from '../config.js';
import { weightsFromNamed, type TrmWeights } from '../weights.js';
import { officialShapes } from '../weights.js';

const TRUNCATION_STD = 0.879625661;

/** Rounds float32 values to the nearest bfloat16 (ties to even), as `.to(torch.bfloat16)`. */
function roundToBf16(values: Float32Array): Float32Array {
  const words = new Uint32Array(values.buffer.slice(0));
  for (let i = 0; i < words.length; i++) words[i] = ((words[i]! + 0x7fff + ((words[i]! >>> 16) & 1)) >>> 16) << 16;
  return new Float32Array(words.buffer);
}

/** Fresh weights for `cfg`; `seed` (non-zero) makes them reproducible on a given backend. */
export function initWeights(cfg: TrmConfig, seed: number): TrmWeights {
  const D = cfg.hidden_size;
  let draw = 0;
  const tn = (shape: number[], std: number) => tf.truncatedNormal(shape, 0, std / TRUNCATION_STD, 'float32', seed * 1000 + ++draw);
  const shapes = officialShapes(cfg);
  const named = new Map<string, tf.Tensor>();
  // Kernel layout [in, out]: the official fan-in is the first dimension here.
  const kernel = (name: string, inWidth: number, outWidth: number) => named.set(name, tn([inWidth, outWidth], 1 / Math.sqrt(inWidth)));

  named.set('embedTokens', tn([cfg.vocab_size, D], 1 / Math.sqrt(D)));
  kernel('lmHead', D, cfg.vocab_size);
  named.set('qHead', tf.zeros([D, 2]));
  named.set('qHeadBias', tf.fill([2], -5));
  named.set(
    'hInit',
    tf.tidy(() => tf.tensor1d(roundToBf16(tn([D], 1).dataSync() as Float32Array))),
  );
  named.set(
    'lInit',
    tf.tidy(() => tf.tensor1d(roundToBf16(tn([D], 1).dataSync() as Float32Array))),
  );
  if (cfg.puzzle_emb_ndim > 0) named.set('puzzleEmb', tf.zeros(shapes.get('puzzle_emb.weights')!));
  if (cfg.pos_encodings === 'learned') named.set('embedPos', tn(shapes.get('embed_pos.embedding_weight')!, 1 / Math.sqrt(D)));
  for (let i = 0; i < cfg.L_layers; i++) {
    const p = `L_level.layers.${i}`;
    if (cfg.mlp_t) {
      const [twoIt, L] = shapes.get(`${p}.mlp_t.gate_up_proj.weight`)!;
      kernel(`layers.${i}.mlpT.gate`, L!, twoIt! / 2);
      kernel(`layers.${i}.mlpT.up`, L!, twoIt! / 2);
      kernel(`layers.${i}.mlpT.down`, twoIt! / 2, L!);
    } else {
      for (const k of ['q', 'k', 'v', 'o']) kernel(`layers.${i}.attn.${k}`, D, D);
    }
    const I = shapes.get(`${p}.mlp.down_proj.weight`)![1]!;
    kernel(`layers.${i}.mlp.gate`, D, I);
    kernel(`layers.${i}.mlp.up`, D, I);
    kernel(`layers.${i}.mlp.down`, I, D);
  }
  return weightsFromNamed(named, cfg);
}
