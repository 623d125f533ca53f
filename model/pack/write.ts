/**
 * Writes a model package: encodes each tensor at the chosen precision, lays the bytes out in
 * manifest order, splits them into shards of at most 4 MiB (the TF.js convention) and records each
 * shard's size and SHA-256. Returns the model.json object and the shard bytes; the edges store them.
 */
import type { TrmConfig } from '../config.js';
import type { TaskName } from '../tasks/codec.js';
import { portShapes } from '../weights.js';
import { TrmError } from '../errors.js';
import { FORMAT_VERSION, type ManifestEntry, type PackageMetadata, type Quantization } from './format.js';
import { encodeFp16, quantizeInt8 } from './quantize.js';
import { sha256Hex } from './sha256.js';

export interface PackInput {
  task: TaskName;
  config: TrmConfig;
  /** Port-named float32 tensors (kernel layout), e.g. from `namedWeights`. */
  weights: ReadonlyMap<string, Float32Array>;
  quantization: Quantization;
  provenance: PackageMetadata['provenance'];
  arc?: { identifiers: string[] };
  shardBytes?: number;
}

export interface PackedModel {
  modelJson: {
    format: 'trm-edge';
    generatedBy: string;
    weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
    userDefinedMetadata: { trmEdge: Omit<PackageMetadata, 'config'> & { config: TrmConfig } };
  };
  shards: { path: string; data: Uint8Array }[];
}

/** Tensors that stay float32 whatever the quantization: fixed buffers, the q head, and anything tiny. */
const KEEP_FP32 = new Set(['hInit', 'lInit', 'puzzleEmb', 'qHead', 'qHeadBias']);
const SMALL = 1024;
/** Tables are quantized per row (each row is one token's vector); kernels [in, out] per output column. */
const ROW_CHANNELS = new Set(['embedTokens', 'embedPos']);

export async function packModel(input: PackInput): Promise<PackedModel> {
  const expected = portShapes(input.config);
  const entries: ManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, shape] of expected) {
    const values = input.weights.get(name);
    if (!values) throw new TrmError('invalid_model', `cannot pack: tensor ${name} is missing`);
    if (values.length !== shape.reduce((a, b) => a * b, 1))
      throw new TrmError('invalid_model', `cannot pack: ${name} has ${values.length} values for shape ${JSON.stringify(shape)}`);
    const keep = KEEP_FP32.has(name) || values.length < SMALL || input.quantization === 'fp32';
    if (keep) {
      entries.push({ name, shape, dtype: 'float32' });
      chunks.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
    } else if (input.quantization === 'fp16') {
      entries.push({ name, shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      chunks.push(encodeFp16(values));
    } else {
      const axis = ROW_CHANNELS.has(name) ? 0 : 1;
      const { q, scales } = quantizeInt8(values, shape, axis);
      entries.push({ name, shape, dtype: 'float32', quantization: { dtype: 'int8', axis } });
      entries.push({ name: `${name}.scale`, shape: [scales.length], dtype: 'float32' });
      chunks.push(new Uint8Array(q.buffer), new Uint8Array(scales.buffer));
    }
  }

  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  chunks.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  const per = input.shardBytes ?? 4 * 1024 * 1024;
  const count = Math.max(1, Math.ceil(total / per));
  const shards = Array.from({ length: count }, (_, i) => ({ path: `group1-shard${i + 1}of${count}.bin`, data: all.subarray(i * per, Math.min(total, (i + 1) * per)) }));

  return {
    modelJson: {
      format: 'trm-edge',
      generatedBy: 'trm-edge',
      weightsManifest: [{ paths: shards.map((s) => s.path), weights: entries }],
      userDefinedMetadata: {
        trmEdge: {
          formatVersion: FORMAT_VERSION,
          task: input.task,
          config: input.config,
          quantization: input.quantization,
          shards: await Promise.all(shards.map(async (s) => ({ path: s.path, bytes: s.data.length, sha256: await sha256Hex(s.data) }))),
          provenance: input.provenance,
          ...(input.arc ? { arc: input.arc } : {}),
        },
      },
    },
    shards,
  };
}
