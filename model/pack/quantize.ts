/**
 * Weight quantization for packages (dequantized once at load):
 * - fp16: IEEE half precision, round to nearest even (TF.js's own `float16` manifest quantization);
 * - int8: symmetric per channel, q = round(w / s) ∈ [−127, 127] with s = max|w| / 127 over the
 *   channel, so the error of every element is at most s/2 (channel = output column of a kernel
 *   [in, out], or row of an embedding table [rows, D]).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE binary16 bits (round to nearest even; overflow → ±Infinity). */
function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // underflow to ±0
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++; // may carry into the exponent: still correct
  return sign | h;
}

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function encodeFp16(values: Float32Array): Uint8Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]!);
  return new Uint8Array(out.buffer);
}

export function decodeFp16(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = fromHalf(view.getUint16(2 * i, true));
  return out;
}

/** Channel index of element i of a row-major [rows, cols] matrix, for `axis` 0 (rows) or 1 (columns). */
const channelOf = (i: number, cols: number, axis: number) => (axis === 0 ? Math.floor(i / cols) : i % cols);

export function quantizeInt8(values: Float32Array, shape: readonly number[], axis: number): { q: Int8Array; scales: Float32Array } {
  const [rows, cols] = shape as [number, number];
  const scales = new Float32Array(axis === 0 ? rows : cols);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i, cols, axis);
    scales[c] = Math.max(scales[c]!, Math.abs(values[i]!));
  }
  for (let c = 0; c < scales.length; c++) scales[c] = scales[c]! / 127 || 1; // an all-zero channel keeps scale 1
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / scales[channelOf(i, cols, axis)]!)));
  return { q, scales };
}

export function dequantizeInt8(q: Int8Array, scales: Float32Array, shape: readonly number[], axis: number): Float32Array {
  const cols = shape[1]!;
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * scales[channelOf(i, cols, axis)]!;
  return out;
}
