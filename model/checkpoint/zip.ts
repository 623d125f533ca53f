/**
 * The part of the zip format that PyTorch checkpoints use (torch.save writes an uncompressed zip,
 * ZIP64 when large). Reads the central directory through a ByteSource, so entries are fetched on
 * demand instead of unpacking a 2 GB file. Deflated entries are inflated with fflate.
 */
import { inflateSync } from 'fflate';
import { CheckpointError } from '../errors.js';
import type { ByteSource } from './byte-source.js';

export interface ZipEntry {
  readonly name: string;
  readonly method: number; // 0 stored, 8 deflate
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u64 = (v: DataView, at: number) => Number(v.getBigUint64(at, true));

export async function readZipDirectory(src: ByteSource): Promise<ZipEntry[]> {
  // The end-of-central-directory record sits in the last 22 + (≤ 65535 comment) bytes.
  const tailLength = Math.min(src.size, 22 + 65535);
  const tail = await src.read(src.size - tailLength, tailLength);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new CheckpointError(`${src.name}: not a zip file, or truncated (no end-of-central-directory record)`);

  let count = tv.getUint16(eocd + 10, true);
  let dirSize = tv.getUint32(eocd + 12, true);
  let dirOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || dirSize === U32_MAX || dirOffset === U32_MAX) {
    const locatorAt = src.size - tailLength + eocd - 20;
    const locator = view(await src.read(locatorAt, 20));
    if (locator.getUint32(0, true) !== SIG_EOCD64_LOCATOR) throw new CheckpointError(`${src.name}: ZIP64 locator missing`);
    const rec = view(await src.read(u64(locator, 8), 56));
    if (rec.getUint32(0, true) !== SIG_EOCD64) throw new CheckpointError(`${src.name}: ZIP64 end record missing`);
    [count, dirSize, dirOffset] = [u64(rec, 32), u64(rec, 40), u64(rec, 48)];
  }
  if (dirOffset + dirSize > src.size) {
    throw new CheckpointError(`${src.name}: truncated zip: central directory [${dirOffset}, ${dirOffset + dirSize}) is past the end (${src.size} bytes)`);
  }

  const dir = await src.read(dirOffset, dirSize);
  const dv = view(dir);
  const entries: ZipEntry[] = [];
  let at = 0;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > dir.length || dv.getUint32(at, true) !== SIG_CENTRAL) {
      throw new CheckpointError(`${src.name}: corrupt zip central directory at entry ${i}`);
    }
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    let size = dv.getUint32(at + 24, true);
    let compressedSize = dv.getUint32(at + 20, true);
    let localHeaderOffset = dv.getUint32(at + 42, true);
    const name = decoder.decode(dir.subarray(at + 46, at + 46 + nameLength));
    // ZIP64 extra field (id 1) holds, in order, whichever of the three values overflowed 32 bits.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = dv.getUint16(e, true);
      const len = dv.getUint16(e + 2, true);
      if (id === 1) {
        let f = e + 4;
        if (size === U32_MAX) (size = u64(dv, f)), (f += 8);
        if (compressedSize === U32_MAX) (compressedSize = u64(dv, f)), (f += 8);
        if (localHeaderOffset === U32_MAX) localHeaderOffset = u64(dv, f);
      }
      e += 4 + len;
    }
    entries.push({ name, method: dv.getUint16(at + 10, true), compressedSize, size, localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Byte offset of an entry's data (after its local header). */
export async function entryDataOffset(src: ByteSource, entry: ZipEntry): Promise<number> {
  const header = view(await src.read(entry.localHeaderOffset, 30));
  if (header.getUint32(0, true) !== SIG_LOCAL) throw new CheckpointError(`${src.name}: corrupt zip: bad local header for ${entry.name}`);
  const start = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  if (start + entry.compressedSize > src.size) {
    throw new CheckpointError(`${src.name}: truncated zip: ${entry.name} needs bytes up to ${start + entry.compressedSize} but the file has ${src.size}`);
  }
  return start;
}

export async function readZipEntry(src: ByteSource, entry: ZipEntry): Promise<Uint8Array> {
  const raw = await src.read(await entryDataOffset(src, entry), entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method === 8) {
    const out = inflateSync(raw, { out: new Uint8Array(entry.size) });
    if (out.length !== entry.size) throw new CheckpointError(`${src.name}: ${entry.name} inflated to ${out.length} bytes, expected ${entry.size}`);
    return out;
  }
  throw new CheckpointError(`${src.name}: ${entry.name} uses zip compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
}
