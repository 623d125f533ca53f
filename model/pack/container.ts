/**
 * The single-file form of a package, for embedding (one fetch, one file to ship): the magic
 * "TRMPKG1\0", a u32 little-endian length, the model.json bytes, then the shards in manifest order.
 * `containerHandler` turns it into a TF.js IOHandler, so it loads like any package.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.js';
import { parseModelJson } from './read.js';
import type { PackedModel } from './write.js';

const MAGIC = new TextEncoder().encode('TRMPKG1\0');

export const packContainer = (packed: PackedModel): Uint8Array =>
  joinContainer(
    new TextEncoder().encode(JSON.stringify(packed.modelJson)),
    packed.shards.map((s) => s.data),
  );

/** The single-file form from model.json's bytes and the shards' (as they are: the fuzz suites join damaged ones). */
export function joinContainer(modelJson: Uint8Array, shards: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(MAGIC.length + 4 + modelJson.length + shards.reduce((n, s) => n + s.length, 0));
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, modelJson.length, true);
  out.set(modelJson, MAGIC.length + 4);
  let at = MAGIC.length + 4 + modelJson.length;
  for (const s of shards) out.set(s, at), (at += s.length);
  return out;
}

export function isContainer(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

export function containerHandler(bytes: Uint8Array, name = 'package.trm'): tf.io.IOHandler {
  return {
    async load() {
      if (!isContainer(bytes)) throw new CheckpointError(`${name}: not a trm-edge package file (bad magic)`);
      const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
      const start = MAGIC.length + 4;
      if (start + length > bytes.length) throw new CheckpointError(`${name}: truncated package file (model.json runs past the end)`);
      const modelJson = parseModelJson(new TextDecoder().decode(bytes.subarray(start, start + length)), name);
      const weights = bytes.slice(start + length);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => [manifest.flatMap((g) => g.weights), weights.buffer as ArrayBuffer]);
    },
  };
}
