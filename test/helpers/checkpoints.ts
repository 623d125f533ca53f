/** Builders of checkpoint files for tests: repacked torch zips and hand-written safetensors. */
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync, type Zippable } from 'fflate';

/** The entries of a torch zip, by name. */
export function unzipFile(path: string): Record<string, Uint8Array> {
  return unzipSync(new Uint8Array(readFileSync(path)));
}

/** Re-zips entries (stored, as torch.save writes them). */
export function zip(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { level: 0 }]])) as Zippable);
}

export interface RawTensor {
  dtype: 'F32' | 'BF16' | 'F16' | 'I64';
  shape: number[];
  bytes: Uint8Array;
}

/** A safetensors file: u64 header length, space-padded JSON header, data. */
export function safetensors(tensors: Record<string, RawTensor>, header: Record<string, unknown> = {}): Uint8Array {
  let offset = 0;
  const entries: Record<string, unknown> = { __metadata__: { format: 'pt' }, ...header };
  for (const [name, t] of Object.entries(tensors)) {
    entries[name] ??= { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = JSON.stringify(entries);
  while ((json.length + 8) % 8) json += ' ';
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) out.set(t.bytes, at), (at += t.bytes.length);
  return out;
}

/** float32 → bfloat16 bytes, rounding to nearest even (as torch's .to(torch.bfloat16)). */
export function toBf16(values: Float32Array): Uint8Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const w = words[i]!;
    out[i] = (w + 0x7fff + ((w >>> 16) & 1)) >>> 16;
  }
  return new Uint8Array(out.buffer);
}

export const f32bytes = (values: Float32Array): Uint8Array => new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
