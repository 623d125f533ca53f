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

  // Each central header is 46 bytes: a directory that cannot hold `count` of them is corrupt, not a reason to loop.
  if (count * 46 > dirSize) throw new CheckpointError(`${src.name}: corrupt zip: ${count} entries cannot fit a central directory of ${dirSize} bytes`);
  const dir = await src.read(dirOffset, dirSize);
  const dv = view(dir);
  const entries: ZipEntry[] = [];
  let at = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < count; i++) {
    const corrupt = (what: string) => new CheckpointError(`${src.name}: corrupt zip central directory at entry ${i} (byte ${dirOffset + at}): ${what}`);
    if (at + 46 > dir.length || dv.getUint32(at, true) !== SIG_CENTRAL) throw corrupt('no central header signature');
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > dir.length) throw corrupt(`its name, extra field and comment (${end - at - 46} bytes) run past the directory`);
    let size = dv.getUint32(at + 24, true);
    let compressedSize = dv.getUint32(at + 20, true);
    let localHeaderOffset = dv.getUint32(at + 42, true);
    let name: string;
    try {
      name = decoder.decode(dir.subarray(at + 46, at + 46 + nameLength));
    } catch {
      throw corrupt('its name is not valid UTF-8');
    }
    // ZIP64 extra field (id 1) holds, in order, whichever of the three values overflowed 32 bits.
    const extraEnd = at + 46 + nameLength + extraLength;
    for (let e = at + 46 + nameLength; e + 4 <= extraEnd; ) {
      const id = dv.getUint16(e, true);
      const len = dv.getUint16(e + 2, true);
      if (e + 4 + len > extraEnd) throw corrupt(`extra field ${id} of ${len} bytes runs past its entry`);
      if (id === 1) {
        let f = e + 4;
        const next = () => {
          if (f + 8 > e + 4 + len) throw corrupt('ZIP64 extra field too short');
          return ((f += 8), u64(dv, f - 8));
        };
        if (size === U32_MAX) size = next();
        if (compressedSize === U32_MAX) compressedSize = next();
        if (localHeaderOffset === U32_MAX) localHeaderOffset = next();
      }
      e += 4 + len;
    }
    entries.push({ name, method: dv.getUint16(at + 10, true), compressedSize, size, localHeaderOffset });
    at = end;
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
    // Deflate expands at most ~1032:1; a larger claimed size is a corrupt header, not an allocation to make.
    if (entry.size > entry.compressedSize * 1032 + 64)
      throw new CheckpointError(`${src.name}: ${entry.name} claims ${entry.size} bytes from ${entry.compressedSize} deflated: corrupt zip`);
    let out: Uint8Array;
    try {
      out = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (e) {
      throw new CheckpointError(`${src.name}: ${entry.name} does not inflate (${(e as Error).message}): corrupt zip`);
    }
    if (out.length !== entry.size) throw new CheckpointError(`${src.name}: ${entry.name} inflated to ${out.length} bytes, expected ${entry.size}`);
    return out;
  }
  throw new CheckpointError(`${src.name}: ${entry.name} uses zip compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
}
