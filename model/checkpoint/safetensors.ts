/**
 * Safetensors (spec §8.4): u64 little-endian header length, a JSON header mapping names to
 * {dtype, shape, data_offsets: [begin, end)} relative to the end of the header, then the data.
 */
import { CheckpointError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import { DTYPE_BYTES, numel, toFloat32, type DType, type TensorEntry } from './dtype.js';

const MAX_HEADER = 100 * 1024 * 1024; // the safetensors library's own limit

export async function readSafetensors(src: ByteSource): Promise<TensorEntry[]> {
  if (src.size < 8) throw new CheckpointError(`${src.name}: truncated safetensors file (${src.size} bytes)`);
  const headerLength = Number(new DataView((await src.read(0, 8)).slice().buffer).getBigUint64(0, true));
  if (headerLength > MAX_HEADER || 8 + headerLength > src.size) {
    throw new CheckpointError(`${src.name}: safetensors header length ${headerLength} does not fit the file (${src.size} bytes); truncated or not safetensors`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(await src.read(8, headerLength)));
  } catch (e) {
    throw new CheckpointError(`${src.name}: safetensors header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const dataSize = src.size - dataStart;

  const out: TensorEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (info ?? {}) as { dtype?: string; shape?: unknown; data_offsets?: unknown };
    const where = `${src.name}: ${name}`;
    if (!dtype || !(dtype in DTYPE_BYTES)) throw new CheckpointError(`${where}: unknown dtype ${JSON.stringify(dtype)}`, [name]);
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)) throw new CheckpointError(`${where}: bad shape ${JSON.stringify(shape)}`, [name]);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger)) throw new CheckpointError(`${where}: bad data_offsets`, [name]);
    const [begin, end] = offsets as [number, number];
    const expected = numel(shape) * DTYPE_BYTES[dtype as DType];
    if (end - begin !== expected) {
      throw new CheckpointError(`${where}: ${end - begin} bytes for shape ${JSON.stringify(shape)} ${dtype}, expected ${expected}`, [name]);
    }
    if (begin < 0 || end > dataSize) {
      throw new CheckpointError(`${where}: truncated file: data [${begin}, ${end}) is past the end of the data section (${dataSize} bytes)`, [name]);
    }
    out.push({
      name,
      dtype: dtype as DType,
      shape,
      read: async () => toFloat32(await src.read(dataStart + begin, end - begin), dtype as DType, where),
    });
  }
  return out;
}

/** A tensor to write: float32 data in row-major order. */
export interface TensorToWrite {
  shape: readonly number[];
  data: Float32Array;
}

/**
 * Serialises float32 tensors as safetensors (names sorted, 8-byte aligned header), with optional
 * string metadata in `__metadata__`.
 */
export function writeSafetensors(tensors: ReadonlyMap<string, TensorToWrite>, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    if (t.data.length !== numel(t.shape)) throw new CheckpointError(`${name}: ${t.data.length} values for shape ${JSON.stringify(t.shape)}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = JSON.stringify(header);
  const unpadded = new TextEncoder().encode(json).length; // metadata may hold non-ASCII text
  const head = new TextEncoder().encode(json + ' '.repeat((8 - (unpadded % 8)) % 8));
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** The `__metadata__` strings of a safetensors file. */
export async function readSafetensorsMetadata(src: ByteSource): Promise<Record<string, string>> {
  const headerLength = Number(new DataView((await src.read(0, 8)).slice().buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(await src.read(8, headerLength)));
  return header.__metadata__ ?? {};
}
