/**
 * Model weights in the port's layout, and their mapping from official state_dict keys (spec §8.2-8.3).
 *
 * Official linear weights are [out, in]; here every dense weight is stored transposed ([in, out])
 * so the forward pass is plain matMuls, and fused projections are split (gate/up, q/k/v) so no
 * activation is sliced. Transposes happen once, in JS, at load time.
 */
import * as tf from '@tensorflow/tfjs-core';
import { swigluWidth, totalLength, validateConfig, type TrmConfig } from './config.js';
import { CheckpointError, ConfigError } from './errors.js';
import type { AttentionWeights, SwigluWeights } from './layers.js';
import type { TensorEntry } from './checkpoint/dtype.js';

export interface BlockWeights {
  /** Token mixer when config.mlp_t (weights act on the sequence axis). */
  mlpT?: SwigluWeights;
  /** Token mixer otherwise. */
  attn?: AttentionWeights;
  mlp: SwigluWeights;
}

export interface TrmWeights {
  embedTokens: tf.Tensor2D; // [V, D]
  lmHead: tf.Tensor2D; // [D, V]
  qHead: tf.Tensor2D; // [D, 2]; column 0 is q_halt
  qHeadBias: tf.Tensor1D; // [2]
  puzzleEmb?: tf.Tensor2D; // [N_ids, puzzle_emb_ndim]
  embedPos?: tf.Tensor2D; // [L, D], only for pos_encodings 'learned'
  hInit: tf.Tensor1D; // [D], fixed buffer
  lInit: tf.Tensor1D; // [D], fixed buffer
  layers: BlockWeights[];
}

/** Official key (prefix stripped) → expected official shape, for a config. */
export function officialShapes(cfg: TrmConfig): Map<string, number[]> {
  const D = cfg.hidden_size;
  const V = cfg.vocab_size;
  const L = totalLength(cfg);
  const I = swigluWidth(D, cfg.expansion);
  const shapes = new Map<string, number[]>([
    ['H_init', [D]],
    ['L_init', [D]],
    ['embed_tokens.embedding_weight', [V, D]],
    ['lm_head.weight', [V, D]],
    ['q_head.weight', [2, D]],
    ['q_head.bias', [2]],
  ]);
  if (cfg.puzzle_emb_ndim > 0) shapes.set('puzzle_emb.weights', [cfg.num_puzzle_identifiers, cfg.puzzle_emb_ndim]);
  if (cfg.pos_encodings === 'learned') shapes.set('embed_pos.embedding_weight', [L, D]);
  for (let i = 0; i < cfg.L_layers; i++) {
    const p = `L_level.layers.${i}`;
    if (cfg.mlp_t) {
      const It = swigluWidth(L, cfg.expansion);
      shapes.set(`${p}.mlp_t.gate_up_proj.weight`, [2 * It, L]);
      shapes.set(`${p}.mlp_t.down_proj.weight`, [L, It]);
    } else {
      shapes.set(`${p}.self_attn.qkv_proj.weight`, [3 * D, D]);
      shapes.set(`${p}.self_attn.o_proj.weight`, [D, D]);
    }
    shapes.set(`${p}.mlp.gate_up_proj.weight`, [2 * I, D]);
    shapes.set(`${p}.mlp.down_proj.weight`, [D, I]);
  }
  return shapes;
}

/** Strips the compile/loss-head/ACT wrappers: `_orig_mod.model.inner.` or `model.inner.` (spec §8.1). */
export function officialKey(key: string): string {
  return key.replace(/^_orig_mod\./, '').replace(/^model\./, '').replace(/^inner\./, '');
}

function indexByKey(tensors: readonly TensorEntry[]): Map<string, TensorEntry> {
  const map = new Map<string, TensorEntry>();
  for (const t of tensors) {
    const key = officialKey(t.name);
    if (map.has(key)) throw new CheckpointError(`two tensors map to '${key}' (${map.get(key)!.name}, ${t.name})`, [t.name]);
    map.set(key, t);
  }
  return map;
}

/**
 * Infers a config from tensor shapes (spec §8.2). Shapes fix hidden_size, vocab_size, L_layers,
 * mlp_t, the puzzle table and, for mlp_t or learned positions, seq_len. What shapes cannot tell
 * (num_heads, cycles, halt_max_steps, seq_len of an attention model) comes from `hints`, else
 * the official defaults. A hint that contradicts a shape is an error.
 */
export function inferConfig(tensors: readonly TensorEntry[], hints: Partial<TrmConfig> = {}): TrmConfig {
  const byKey = indexByKey(tensors);
  const shape = (key: string) => {
    const t = byKey.get(key);
    if (!t) throw new CheckpointError(`checkpoint has no '${key}': not an official TRM state_dict (keys: ${[...byKey.keys()].slice(0, 8).join(', ')}…)`, [key]);
    return t.shape;
  };
  const layerIds = new Set([...byKey.keys()].flatMap((k) => /^L_level\.layers\.(\d+)\./.exec(k)?.[1] ?? []));
  const mlpT = byKey.has('L_level.layers.0.mlp_t.gate_up_proj.weight');
  const puzzle = byKey.get('puzzle_emb.weights')?.shape;
  const learned = byKey.get('embed_pos.embedding_weight')?.shape;

  const fromShapes: Partial<TrmConfig> = {
    hidden_size: shape('H_init')[0],
    vocab_size: shape('embed_tokens.embedding_weight')[0],
    L_layers: layerIds.size,
    mlp_t: mlpT,
    puzzle_emb_ndim: puzzle ? puzzle[1] : 0,
    num_puzzle_identifiers: puzzle ? puzzle[0] : 1,
    ...(learned ? { pos_encodings: 'learned' as const } : {}),
  };
  const ndim = fromShapes.puzzle_emb_ndim!;
  const embLen = ndim === 0 ? 0 : (hints.puzzle_emb_len ?? 16);
  const P = embLen === 0 ? Math.ceil(ndim / fromShapes.hidden_size!) : embLen;
  const fullLength = mlpT ? shape('L_level.layers.0.mlp_t.gate_up_proj.weight')[1] : learned?.[0];
  if (fullLength !== undefined) fromShapes.seq_len = fullLength - P;

  for (const [field, value] of Object.entries(fromShapes) as [keyof TrmConfig, unknown][]) {
    if (hints[field] !== undefined && hints[field] !== value) {
      throw new ConfigError(`config.${field} is ${JSON.stringify(hints[field])} but the checkpoint's shapes say ${JSON.stringify(value)}`, [field]);
    }
  }
  const seq = fromShapes.seq_len ?? hints.seq_len;
  if (seq === undefined) {
    throw new ConfigError('seq_len cannot be inferred from an attention checkpoint (RoPE tables are not saved): give a task or a config with seq_len', ['seq_len']);
  }
  const cfg = validateConfig({
    ...(mlpT ? { pos_encodings: 'none' } : {}),
    ...hints,
    ...fromShapes,
    seq_len: seq,
    puzzle_emb_len: embLen,
  });
  return cfg;
}

/** Float32 [rows, cols] row-major → its transpose restricted to rows [from, from+count): [cols, count]. */
function transposeRows(data: Float32Array, cols: number, from: number, count: number): Float32Array {
  const out = new Float32Array(cols * count);
  for (let r = 0; r < count; r++) {
    const src = (from + r) * cols;
    for (let c = 0; c < cols; c++) out[c * count + r] = data[src + c]!;
  }
  return out;
}

/**
 * Reads an official state_dict into the port's layout for `cfg`. Checks that the key set matches
 * exactly and every shape agrees before any tensor is created (so a bad file leaves nothing behind).
 */
export async function loadOfficialWeights(tensors: readonly TensorEntry[], cfg: TrmConfig): Promise<TrmWeights> {
  const byKey = indexByKey(tensors);
  const expected = officialShapes(cfg);
  const missing = [...expected.keys()].filter((k) => !byKey.has(k));
  const extra = [...byKey.keys()].filter((k) => !expected.has(k));
  if (missing.length) throw new CheckpointError(`checkpoint is missing ${missing.join(', ')} for this config`, [missing[0]!]);
  if (extra.length) throw new CheckpointError(`checkpoint has tensors this config does not use: ${extra.join(', ')}`, [extra[0]!]);
  for (const [key, want] of expected) {
    const got = byKey.get(key)!.shape;
    if (got.length !== want.length || got.some((n, i) => n !== want[i])) {
      throw new CheckpointError(`${key}: shape ${JSON.stringify(got)} does not match the config's ${JSON.stringify(want)}`, [key]);
    }
  }

  const data = new Map<string, Float32Array>();
  for (const key of expected.keys()) data.set(key, await byKey.get(key)!.read());

  const D = cfg.hidden_size;
  const get = (key: string) => data.get(key)!;
  /** Official [out, in] rows [from, from+count) → kernel [in, count]. */
  const kernel = (key: string, from = 0, count = expected.get(key)![0]!) => {
    const [, inWidth] = expected.get(key)!;
    return tf.tensor2d(transposeRows(get(key), inWidth!, from, count), [inWidth!, count]);
  };
  const swigluFrom = (prefix: string): SwigluWeights => {
    const inner = expected.get(`${prefix}.down_proj.weight`)![1]!;
    return {
      gate: kernel(`${prefix}.gate_up_proj.weight`, 0, inner),
      up: kernel(`${prefix}.gate_up_proj.weight`, inner, inner),
      down: kernel(`${prefix}.down_proj.weight`),
    };
  };

  return {
    embedTokens: tf.tensor2d(get('embed_tokens.embedding_weight'), expected.get('embed_tokens.embedding_weight') as [number, number]),
    lmHead: kernel('lm_head.weight'),
    qHead: kernel('q_head.weight'),
    qHeadBias: tf.tensor1d(get('q_head.bias')),
    ...(cfg.puzzle_emb_ndim > 0 ? { puzzleEmb: tf.tensor2d(get('puzzle_emb.weights'), expected.get('puzzle_emb.weights') as [number, number]) } : {}),
    ...(cfg.pos_encodings === 'learned' ? { embedPos: tf.tensor2d(get('embed_pos.embedding_weight'), expected.get('embed_pos.embedding_weight') as [number, number]) } : {}),
    hInit: tf.tensor1d(get('H_init')),
    lInit: tf.tensor1d(get('L_init')),
    layers: Array.from({ length: cfg.L_layers }, (_, i) => {
      const p = `L_level.layers.${i}`;
      const mixer: Partial<BlockWeights> = cfg.mlp_t
        ? { mlpT: swigluFrom(`${p}.mlp_t`) }
        : {
            attn: {
              q: kernel(`${p}.self_attn.qkv_proj.weight`, 0, D),
              k: kernel(`${p}.self_attn.qkv_proj.weight`, D, D),
              v: kernel(`${p}.self_attn.qkv_proj.weight`, 2 * D, D),
              o: kernel(`${p}.self_attn.o_proj.weight`),
            },
          };
      return { ...mixer, mlp: swigluFrom(`${p}.mlp`) };
    }),
  };
}

/** Every tensor of a weights object, for disposal and counting. */
export function weightTensors(w: TrmWeights): tf.Tensor[] {
  const out: tf.Tensor[] = [w.embedTokens, w.lmHead, w.qHead, w.qHeadBias, w.hInit, w.lInit];
  if (w.puzzleEmb) out.push(w.puzzleEmb);
  if (w.embedPos) out.push(w.embedPos);
  for (const layer of w.layers) {
    for (const part of [layer.mlpT, layer.attn, layer.mlp]) if (part) out.push(...Object.values(part));
  }
  return out;
}
