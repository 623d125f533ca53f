/**
 * Random-access bytes: a checkpoint is read through this so a reader can fetch only the parts it
 * needs (an ARC checkpoint is ~1.8 GB, mostly puzzle rows). The core provides the in-memory
 * source; runtime edges add files (Node) and HTTP ranges.
 */
import { CheckpointError } from '../errors.js';

export interface ByteSource {
  /** For messages: a file name or URL. */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset`; refuses reads past the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array, name = '<memory>'): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset, length) {
      checkRange(name, bytes.byteLength, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** Throws a CheckpointError for a read outside [0, size): the usual sign of a truncated file. */
export function checkRange(name: string, size: number, offset: number, length: number): void {
  if (offset < 0 || length < 0 || offset + length > size) {
    throw new CheckpointError(`${name}: truncated file: needs bytes [${offset}, ${offset + length}) but has only ${size}`);
  }
}
