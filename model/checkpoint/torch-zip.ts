/**
 * PyTorch zip checkpoints (`torch.save(state_dict, "step_N")`, spec §8.4): one top folder with
 * data.pkl (the state_dict pickle), data/<key> (raw little-endian storages) and version; torch 2.x
 * adds byteorder, .data/serialization_id and .format_version, which are tolerated.
 */
import { CheckpointError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import { DTYPE_BYTES, numel, toFloat32, type DType, type TensorEntry } from './dtype.js';
import { unpickle, type GlobalRef } from './unpickle.js';
import { entryDataOffset, readZipDirectory, readZipEntry, type ZipEntry } from './zip.js';

interface StorageRef {
  readonly dtype: DType;
  readonly key: string;
  readonly numel: number;
}

interface TensorRef {
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
}

const STORAGE_TYPES: Record<string, DType> = {
  FloatStorage: 'F32',
  BFloat16Storage: 'BF16',
  HalfStorage: 'F16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

const ints = (v: unknown, what: string): number[] => {
  if (!Array.isArray(v) || !v.every((n) => Number.isInteger(n) && n >= 0)) throw new Error(`${what} must be a tuple of non-negative ints`);
  return v as number[];
};

function rebuildTensor(args: unknown[]): TensorRef {
  const [storage, offset, size, stride] = args;
  if (!storage || typeof storage !== 'object' || !('dtype' in storage)) throw new Error('first argument is not a storage');
  if (!Number.isInteger(offset)) throw new Error('storage offset must be an int');
  return { storage: storage as StorageRef, offset: offset as number, shape: ints(size, 'size'), stride: ints(stride, 'stride') };
}

/** The only globals a state_dict pickle needs; each builds plain data. */
const ALLOWED_GLOBALS = {
  'collections.OrderedDict': () => new Map(),
  'torch._utils._rebuild_tensor_v2': rebuildTensor,
  'torch._utils._rebuild_parameter': (args: unknown[]) => args[0],
  ...Object.fromEntries(Object.entries(STORAGE_TYPES).map(([name, dtype]) => [`torch.${name}`, { marker: dtype }])),
};

function contiguous(shape: number[]): number[] {
  const stride = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) (stride[i] = s), (s *= shape[i]!);
  return stride;
}

export async function readTorchZip(src: ByteSource): Promise<TensorEntry[]> {
  const entries = await readZipDirectory(src);
  const pickles = entries.filter((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (pickles.length !== 1) {
    throw new CheckpointError(`${src.name}: expected one <folder>/data.pkl in the zip, found ${pickles.length} (is this a torch.save file?)`);
  }
  const root = pickles[0]!.name.slice(0, -'data.pkl'.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const byteorder = byName.get(`${root}byteorder`);
  if (byteorder) {
    const order = new TextDecoder().decode(await readZipEntry(src, byteorder)).trim();
    if (order !== 'little') throw new CheckpointError(`${src.name}: byteorder '${order}' is not supported (only little-endian)`);
  }

  const state = unpickle(await readZipEntry(src, pickles[0]!), {
    name: `${src.name}:${pickles[0]!.name}`,
    globals: ALLOWED_GLOBALS,
    persistentLoad(pid) {
      // ('storage', <StorageType>, key, location, numel)
      if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new CheckpointError(`${src.name}: unexpected persistent id ${JSON.stringify(pid)}`);
      const type = pid[1] as GlobalRef;
      const dtype = (type?.found as { marker?: DType })?.marker;
      if (!dtype) throw new CheckpointError(`${src.name}: persistent id names no storage type`);
      return { dtype, key: String(pid[2]), numel: Number(pid[4]) } satisfies StorageRef;
    },
  });
  if (!(state instanceof Map)) throw new CheckpointError(`${src.name}: data.pkl is not a state_dict (expected a dict of tensors)`);

  const out: TensorEntry[] = [];
  for (const [name, value] of state as Map<unknown, unknown>) {
    if (typeof name !== 'string') throw new CheckpointError(`${src.name}: state_dict key ${String(name)} is not a string`);
    const t = value as TensorRef;
    if (!t || typeof t !== 'object' || !('storage' in t)) throw new CheckpointError(`${src.name}: ${name} is not a tensor`, [name]);
    out.push(await tensorEntry(src, byName, root, name, t));
  }
  return out;
}

async function tensorEntry(src: ByteSource, byName: Map<string, ZipEntry>, root: string, name: string, t: TensorRef): Promise<TensorEntry> {
  const { storage, shape } = t;
  const count = numel(shape);
  const where = `${src.name}: ${name}`;
  if (count > 1 && t.stride.some((s, i) => shape[i]! > 1 && s !== contiguous(shape)[i])) {
    throw new CheckpointError(`${where}: non-contiguous tensor (stride ${JSON.stringify(t.stride)} for shape ${JSON.stringify(shape)})`, [name]);
  }
  const file = byName.get(`${root}data/${storage.key}`);
  if (!file) throw new CheckpointError(`${where}: storage data/${storage.key} is missing from the zip`, [name]);
  const itemBytes = DTYPE_BYTES[storage.dtype];
  if (file.size !== storage.numel * itemBytes) {
    throw new CheckpointError(`${where}: storage data/${storage.key} has ${file.size} bytes, expected ${storage.numel} × ${itemBytes} = ${storage.numel * itemBytes}`, [name]);
  }
  if (t.offset + count > storage.numel) {
    throw new CheckpointError(`${where}: shape ${JSON.stringify(shape)} at offset ${t.offset} overruns its storage of ${storage.numel} elements`, [name]);
  }
  if (file.method !== 0) {
    // Compressed storages cannot be read by range; inflate the whole entry.
    return {
      name,
      dtype: storage.dtype,
      shape,
      read: async () => toFloat32((await readZipEntry(src, file)).subarray(t.offset * itemBytes, (t.offset + count) * itemBytes), storage.dtype, where),
    };
  }
  const start = (await entryDataOffset(src, file)) + t.offset * itemBytes;
  return { name, dtype: storage.dtype, shape, read: async () => toFloat32(await src.read(start, count * itemBytes), storage.dtype, where) };
}
