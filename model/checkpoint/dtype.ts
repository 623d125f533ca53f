/**
 * Tensor element types found in official checkpoints and their conversion to float32
 * (the precision the port runs in, spec §3.5).
 */
import { CheckpointError } from '../errors.js';
import { fromHalf } from '../pack/quantize.js';

/** Safetensors spelling; torch storages map onto it. */
export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Record<DType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** One tensor of a checkpoint, described but not yet read. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Reads the elements and converts them to float32 (bf16 exactly; f64 rounded). */
  read(): Promise<Float32Array>;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Decodes little-endian elements of `dtype` to float32. */
export function toFloat32(bytes: Uint8Array, dtype: DType, where: string): Float32Array {
  const count = bytes.byteLength / DTYPE_BYTES[dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(bytes);
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'BF16': {
      // bf16 is the high half of a float32 word: widening is exact (spec §8.3).
      const words = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) words[i] = view.getUint16(2 * i, true) << 16;
      break;
    }
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = fromHalf(view.getUint16(2 * i, true));
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    default:
      throw new CheckpointError(`${where}: dtype ${dtype} is not a floating-point weight type (expected F32, BF16, F16 or F64)`);
  }
  return out;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
