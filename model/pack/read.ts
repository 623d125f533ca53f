/**
 * Loads a model package through any TF.js IOHandler (files in Node, `tf.io.http` in browsers and
 * workers, `tf.io.fromMemory`). Everything is checked before the first tensor is created, so a bad
 * package is refused whole: format version, metadata, total size, each shard's SHA-256, every
 * entry's dtype, name and shape against the config. Quantized tensors are dequantized once here.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as z from 'zod';
import { countParameters } from '../cost.js';
import { CheckpointError, TrmError } from '../errors.js';
import type { LoadedModel } from '../load.js';
import { portShapes, weightsFromNamed, weightTensors } from '../weights.js';
import { FORMAT_VERSION, manifestEntrySchema, metadataSchema, modelJsonSchema, type EntryQuantization, type PackageMetadata } from './format.js';
import { decodeFp16, dequantizeInt8 } from './quantize.js';
import { sha256Hex } from './sha256.js';

export interface LoadedPackage extends LoadedModel {
  readonly metadata: PackageMetadata;
}

const bytesPerElement = (q: EntryQuantization | undefined, name: string): number => {
  if (!q) return 4;
  if (q.dtype === 'float16') return 2;
  if (q.dtype === 'int8') {
    if (q.axis !== 0 && q.axis !== 1) throw new CheckpointError(`${name}: int8 quantization without its channel axis (0 or 1)`, [name]);
    return 1;
  }
  throw new CheckpointError(`${name}: unknown quantization dtype ${JSON.stringify((q as { dtype: unknown }).dtype)}`, [name]);
};

/** model.json text → its JSON, checked for what loading relies on (a CheckpointError naming the field otherwise). */
export function parseModelJson(text: string, name: string): tf.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${name}: model.json is not JSON (${(e as Error).message})`);
  }
  const parsed = modelJsonSchema.safeParse(json);
  if (!parsed.success) throw schemaError(name, 'model.json', parsed.error.issues[0]!);
  return json as tf.io.ModelJSON;
}

const schemaError = (name: string, where: string, issue: { path: PropertyKey[]; message: string }) => {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  return new CheckpointError(`${name}: ${where}.${path.join('.')}: ${issue.message}`, path);
};

export async function loadPackage(handler: tf.io.IOHandler, name = 'package'): Promise<LoadedPackage> {
  if (!handler.load) throw new CheckpointError(`${name}: the IO handler cannot load`);
  const artifacts = await handler.load().catch((e: unknown) => {
    // A handler of TF.js's own (http, browser files) fails with plain errors: a network failure, a manifest it cannot read.
    throw e instanceof TrmError ? e : new CheckpointError(`${name}: cannot load the package (${(e as Error)?.message ?? e})`);
  });
  const raw = (artifacts.userDefinedMetadata as { trmEdge?: { formatVersion?: unknown } } | undefined)?.trmEdge;
  if (!raw) throw new CheckpointError(`${name}: not a trm-edge model package (model.json has no userDefinedMetadata.trmEdge)`);
  if (typeof raw.formatVersion === 'number' && raw.formatVersion > FORMAT_VERSION) {
    throw new CheckpointError(`${name}: package format version ${raw.formatVersion} was written by a newer trm-edge; this one reads version ${FORMAT_VERSION}`);
  }
  const parsed = metadataSchema.safeParse(raw);
  if (!parsed.success) throw schemaError(name, 'model.json trmEdge', parsed.error.issues[0]!);
  const meta = parsed.data;

  // Integrity: the bytes are exactly the shards listed, each with its SHA-256.
  const buffers = artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
  const data = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  buffers.reduce((at, b) => (data.set(new Uint8Array(b), at), at + b.byteLength), 0);
  const expectedBytes = meta.shards.reduce((n, s) => n + s.bytes, 0);
  if (data.length !== expectedBytes) {
    throw new CheckpointError(`${name}: truncated or padded weights: ${data.length} bytes, model.json lists ${expectedBytes} across ${meta.shards.length} shard(s)`);
  }
  // Every parameter takes at least a byte (int8): a config that needs more than the weights hold is refused before
  // its shapes are listed (a damaged L_layers or hidden_size would otherwise build millions of them).
  const parameters = countParameters(meta.config);
  if (parameters > data.length)
    throw new CheckpointError(`${name}: the config describes ${parameters.toLocaleString('en')} parameters, the weights hold ${data.length.toLocaleString('en')} bytes`, [
      'config',
    ]);
  let at = 0;
  for (const shard of meta.shards) {
    const hash = await sha256Hex(data.subarray(at, at + shard.bytes));
    if (hash !== shard.sha256)
      throw new CheckpointError(
        `${name}: shard ${shard.path} fails its SHA-256 check (expected ${shard.sha256.slice(0, 12)}…, got ${hash.slice(0, 12)}…): the file is corrupted or was modified`,
        [shard.path],
      );
    at += shard.bytes;
  }

  // Entries: decode all to float32, checked against the config, before creating tensors.
  const specsParsed = z.array(manifestEntrySchema).safeParse(artifacts.weightSpecs ?? []);
  if (!specsParsed.success) throw schemaError(name, 'weightsManifest weights', specsParsed.error.issues[0]!);
  const specs = specsParsed.data as { name: string; shape: number[]; dtype: string; quantization?: EntryQuantization }[];
  const expected = portShapes(meta.config);
  const decoded = new Map<string, Float32Array>();
  const scales = new Map<string, Float32Array>();
  const pending: { name: string; shape: number[]; q: Int8Array; axis: number }[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32')
      throw new CheckpointError(`${name}: ${spec.name} has dtype ${JSON.stringify(spec.dtype)}; packages store float32 tensors (optionally quantized)`, [spec.name]);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const size = count * bytesPerElement(spec.quantization, spec.name);
    if (offset + size > data.length) throw new CheckpointError(`${name}: ${spec.name} needs bytes up to ${offset + size}, the weights hold ${data.length}`, [spec.name]);
    const bytes = data.slice(offset, offset + size);
    offset += size;
    if (spec.name.endsWith('.scale')) scales.set(spec.name.slice(0, -'.scale'.length), new Float32Array(bytes.buffer));
    else if (spec.quantization?.dtype === 'int8') pending.push({ name: spec.name, shape: spec.shape, q: new Int8Array(bytes.buffer), axis: spec.quantization.axis });
    else decoded.set(spec.name, spec.quantization?.dtype === 'float16' ? decodeFp16(bytes) : new Float32Array(bytes.buffer));
  }
  if (offset !== data.length) throw new CheckpointError(`${name}: ${data.length - offset} bytes of weights are not described by the manifest`);
  for (const p of pending) {
    const s = scales.get(p.name);
    const channels = p.axis === 0 ? p.shape[0] : p.shape[1];
    if (!s || s.length !== channels) throw new CheckpointError(`${name}: ${p.name} is int8 but ${p.name}.scale is missing or has the wrong length`, [p.name]);
    decoded.set(p.name, dequantizeInt8(p.q, s, p.shape, p.axis));
  }
  const shapeOf = new Map(specs.map((s) => [s.name, s.shape]));
  for (const [tensor, shape] of expected) {
    const got = shapeOf.get(tensor);
    if (!decoded.has(tensor) || !got) throw new CheckpointError(`${name}: tensor ${tensor} is missing for this config`, [tensor]);
    if (got.join() !== shape.join()) throw new CheckpointError(`${name}: ${tensor} has shape ${JSON.stringify(got)}, the config needs ${JSON.stringify(shape)}`, [tensor]);
  }
  const extra = [...decoded.keys()].filter((k) => !expected.has(k));
  if (extra.length) throw new CheckpointError(`${name}: tensors the config does not use: ${extra.join(', ')}`, [extra[0]!]);

  const weights = weightsFromNamed(new Map([...expected].map(([tensor, shape]) => [tensor, tf.tensor(decoded.get(tensor)!, shape)])), meta.config);
  return {
    config: meta.config,
    weights,
    metadata: meta,
    source: { name, format: 'package' },
    dispose: () => tf.dispose(weightTensors(weights)),
  };
}
