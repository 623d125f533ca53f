/**
 * NumPy .npy reader for the arrays the official dataset builders write (spec §6.1): any integer
 * dtype (|u1, <i4, <i8 ...), C order. Pure bytes → typed array, so it runs anywhere.
 */
import { TrmError } from '../errors.js';

export interface NpyArray {
  shape: number[];
  /** Values as int32 (official collate casts everything to int32). */
  data: Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, name = '<npy>'): NpyArray {
  const fail = (msg: string): never => {
    throw new TrmError('invalid_data', `${name}: ${msg}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`format version ${major}.${bytes[7]} is not a .npy version (1, 2 or 3)`);
  if (major > 1 && bytes.length < 12) fail('truncated header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLength;
  if (start > bytes.length) fail(`truncated: the header claims ${headerLength} bytes, the file has ${bytes.length}`);
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) fail(`unreadable header ${JSON.stringify(header)}`);
  if (fortran === 'True') fail('Fortran-ordered arrays are not supported');
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((d) => (/^\d{1,10}$/.test(d) ? Number(d) : fail(`shape (${shapeText}): ${JSON.stringify(d)} is not a dimension`)));
  const count = shape.reduce((a, b) => a * b, 1);

  const m = /^([<>|=])([iub])(\d)$/.exec(descr!);
  if (!m) fail(`dtype ${descr} is not an integer type`);
  const [, order, kind, sizeText] = m!;
  const size = Number(sizeText);
  if (order === '>' && size > 1) fail(`big-endian dtype ${descr} is not supported`);
  if (start + count * size > bytes.length) fail(`truncated: ${count} × ${size} bytes of data expected after the header, ${bytes.length - start} present`);

  const data = new Int32Array(count);
  const signed = kind === 'i';
  for (let i = 0, at = start; i < count; i++, at += size) {
    let v: number;
    switch (size) {
      case 1:
        v = signed ? view.getInt8(at) : view.getUint8(at);
        break;
      case 2:
        v = signed ? view.getInt16(at, true) : view.getUint16(at, true);
        break;
      case 4:
        v = signed ? view.getInt32(at, true) : view.getUint32(at, true);
        break;
      case 8:
        v = Number(signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true));
        break;
      default:
        return fail(`unsupported element size ${size}`);
    }
    if (v > 0x7fffffff || v < -0x80000000) fail(`value ${v} at element ${i} does not fit int32`);
    data[i] = v;
  }
  return { shape, data };
}
