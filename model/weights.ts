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
  return key
    .replace(/^_orig_mod\./, '')
    .replace(/^model\./, '')
    .replace(/^inner\./, '');
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

/**
 * One tensor of the port and where it lives in the official state_dict: rows [from, from+count)
 * of `key`, transposed when it is a linear weight (official [out, in] → kernel [in, out]).
 */
interface Part {
  name: string;
  key: string;
  from: number;
  count: number;
  transposed: boolean;
}

/** The mapping between the port's named tensors and the official keys, for a config. */
function parts(cfg: TrmConfig): Part[] {
  const shapes = officialShapes(cfg);
  const rows = (key: string) => shapes.get(key)![0]!;
  const whole = (name: string, key: string, transposed: boolean): Part => ({ name, key, from: 0, count: rows(key), transposed });
  const split = (names: string[], key: string): Part[] => {
    const count = rows(key) / names.length;
    return names.map((name, i) => ({ name, key, from: i * count, count, transposed: true }));
  };
  const out: Part[] = [
    whole('embedTokens', 'embed_tokens.embedding_weight', false),
    whole('lmHead', 'lm_head.weight', true),
    whole('qHead', 'q_head.weight', true),
    whole('qHeadBias', 'q_head.bias', false),
    whole('hInit', 'H_init', false),
    whole('lInit', 'L_init', false),
  ];
  if (cfg.puzzle_emb_ndim > 0) out.push(whole('puzzleEmb', 'puzzle_emb.weights', false));
  if (cfg.pos_encodings === 'learned') out.push(whole('embedPos', 'embed_pos.embedding_weight', false));
  for (let i = 0; i < cfg.L_layers; i++) {
    const p = `L_level.layers.${i}`;
    if (cfg.mlp_t) {
      out.push(...split([`layers.${i}.mlpT.gate`, `layers.${i}.mlpT.up`], `${p}.mlp_t.gate_up_proj.weight`));
      out.push(whole(`layers.${i}.mlpT.down`, `${p}.mlp_t.down_proj.weight`, true));
    } else {
      out.push(...split([`layers.${i}.attn.q`, `layers.${i}.attn.k`, `layers.${i}.attn.v`], `${p}.self_attn.qkv_proj.weight`));
      out.push(whole(`layers.${i}.attn.o`, `${p}.self_attn.o_proj.weight`, true));
    }
    out.push(...split([`layers.${i}.mlp.gate`, `layers.${i}.mlp.up`], `${p}.mlp.gate_up_proj.weight`));
    out.push(whole(`layers.${i}.mlp.down`, `${p}.mlp.down_proj.weight`, true));
  }
  return out;
}

/** Every port tensor's name and shape (kernel layout) for a config: what a package must hold. */
export function portShapes(cfg: TrmConfig): Map<string, number[]> {
  const shapes = officialShapes(cfg);
  return new Map(
    parts(cfg).map((p) => {
      const official = shapes.get(p.key)!;
      return [p.name, p.transposed ? [official[1]!, p.count] : official];
    }),
  );
}

/** Port tensor names that are fixed buffers (not trained by AdamATan2, not in the EMA). */
export const BUFFERS: ReadonlySet<string> = new Set(['hInit', 'lInit', 'puzzleEmb']);

/** [rows, cols] row-major → rows [from, from+count) transposed: [cols, count]. */
function transposeRows(data: Float32Array, cols: number, from: number, count: number): Float32Array {
  const out = new Float32Array(cols * count);
  for (let r = 0; r < count; r++) {
    const src = (from + r) * cols;
    for (let c = 0; c < cols; c++) out[c * count + r] = data[src + c]!;
  }
  return out;
}

/** Every tensor of a weights object by its port name ('lmHead', 'layers.0.mlp.gate', …). */
export function namedWeights(w: TrmWeights): Map<string, tf.Tensor> {
  const named = new Map<string, tf.Tensor>([
    ['embedTokens', w.embedTokens],
    ['lmHead', w.lmHead],
    ['qHead', w.qHead],
    ['qHeadBias', w.qHeadBias],
    ['hInit', w.hInit],
    ['lInit', w.lInit],
  ]);
  if (w.puzzleEmb) named.set('puzzleEmb', w.puzzleEmb);
  if (w.embedPos) named.set('embedPos', w.embedPos);
  w.layers.forEach((layer, i) => {
    for (const [group, tensors] of Object.entries(layer)) {
      for (const [k, t] of Object.entries(tensors as Record<string, tf.Tensor>)) named.set(`layers.${i}.${group}.${k}`, t);
    }
  });
  return named;
}

/** Inverse of `namedWeights`. */
export function weightsFromNamed(named: ReadonlyMap<string, tf.Tensor>, cfg: TrmConfig): TrmWeights {
  const get = <T extends tf.Tensor>(name: string) => named.get(name) as T;
  const group = <T>(prefix: string, keys: string[]) => Object.fromEntries(keys.map((k) => [k, get(`${prefix}.${k}`)])) as T;
  return {
    embedTokens: get('embedTokens'),
    lmHead: get('lmHead'),
    qHead: get('qHead'),
    qHeadBias: get('qHeadBias'),
    hInit: get('hInit'),
    lInit: get('lInit'),
    ...(named.has('puzzleEmb') ? { puzzleEmb: get('puzzleEmb') } : {}),
    ...(named.has('embedPos') ? { embedPos: get('embedPos') } : {}),
    layers: Array.from({ length: cfg.L_layers }, (_, i) => ({
      ...(cfg.mlp_t ? { mlpT: group<SwigluWeights>(`layers.${i}.mlpT`, ['gate', 'up', 'down']) } : { attn: group<AttentionWeights>(`layers.${i}.attn`, ['q', 'k', 'v', 'o']) }),
      mlp: group<SwigluWeights>(`layers.${i}.mlp`, ['gate', 'up', 'down']),
    })),
  };
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
  return weightsFromOfficial(data, cfg);
}

/** Builds weights from official arrays (key → row-major data in the official shape). */
export function weightsFromOfficial(data: ReadonlyMap<string, Float32Array>, cfg: TrmConfig): TrmWeights {
  const shapes = officialShapes(cfg);
  const named = new Map<string, tf.Tensor>();
  for (const part of parts(cfg)) {
    const shape = shapes.get(part.key)!;
    const source = data.get(part.key)!;
    if (!part.transposed) {
      named.set(part.name, tf.tensor(source, shape));
    } else {
      const inWidth = shape[1]!;
      named.set(part.name, tf.tensor2d(transposeRows(source, inWidth, part.from, part.count), [inWidth, part.count]));
    }
  }
  return weightsFromNamed(named, cfg);
}

/**
 * The official state_dict arrays (prefix-free keys, official shapes) from port-named arrays:
 * weights for export, or gradients for comparison with the official code.
 */
export function toOfficial(arrays: ReadonlyMap<string, Float32Array>, cfg: TrmConfig): Map<string, { shape: number[]; data: Float32Array }> {
  const shapes = officialShapes(cfg);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const part of parts(cfg)) {
    const source = arrays.get(part.name);
    if (!source) continue;
    const shape = shapes.get(part.key)!;
    if (!out.has(part.key)) out.set(part.key, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    const target = out.get(part.key)!.data;
    if (!part.transposed) {
      target.set(source);
    } else {
      const inWidth = shape[1]!;
      // kernel [in, count] → official rows [from, from+count) of [out, in]
      for (let c = 0; c < inWidth; c++) for (let r = 0; r < part.count; r++) target[(part.from + r) * inWidth + c] = source[c * part.count + r]!;
    }
  }
  return out;
}

/** Every tensor of a weights object, for disposal and counting. */
export function weightTensors(w: TrmWeights): tf.Tensor[] {
  return [...namedWeights(w).values()];
}
