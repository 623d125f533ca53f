/**
 * Official checkpoints (spec §8): PyTorch zip files as pretrain.py writes them, and safetensors.
 * Detects the format from the first bytes; never executes anything from the file.
 */
import { CheckpointError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import type { TensorEntry } from './dtype.js';
import { readSafetensors } from './safetensors.js';
import { readTorchZip } from './torch-zip.js';

export type CheckpointFormat = 'torch-zip' | 'safetensors';

export interface Checkpoint {
  readonly format: CheckpointFormat;
  /** In file order (state_dict order for torch files). */
  readonly tensors: readonly TensorEntry[];
}

export async function readCheckpoint(src: ByteSource): Promise<Checkpoint> {
  if (src.size < 8) throw new CheckpointError(`${src.name}: too small to be a checkpoint (${src.size} bytes)`);
  const head = await src.read(0, 9 <= src.size ? 9 : 8);
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return { format: 'torch-zip', tensors: await readTorchZip(src) };
  }
  if (head[8] === 0x7b /* '{' */) return { format: 'safetensors', tensors: await readSafetensors(src) };
  if (head[0] === 0x80) {
    throw new CheckpointError(`${src.name}: a legacy (pre-zip, torch < 1.6) pickle checkpoint; re-save it with a current torch.save or as safetensors`);
  }
  throw new CheckpointError(`${src.name}: neither a PyTorch zip checkpoint nor a safetensors file`);
}

export { bytesSource, type ByteSource } from './byte-source.js';
export type { DType, TensorEntry } from './dtype.js';
export { loadCheckpoint, taskHints, type LoadCheckpointOptions } from '../load.js';
export { inferConfig, loadOfficialWeights, officialShapes, officialKey } from '../weights.js';
