/**
 * What every CLI shares: option parsing errors and exit codes. 0 done; 2 bad input (a usage error
 * with the usage text, a TrmError with its message, a file-system error on a path the user gave, or the wasm
 * heap exhausted by the sizes asked for);
 * 1 an unexpected failure (with its stack).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isHeapExhausted, TrmError } from '../../model/errors.js';

export class UsageError extends Error {}

/** node:util parseArgs, its errors turned into UsageErrors. */
export function parseOptions<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** An option's whole number ≥ `min`: decimal digits only (Number() would read '' as 0, '0x2' as 2, '1e3' as 1000). */
export function integer(name: string, text: string, min: number): number;
export function integer(name: string, text: string | undefined, min: number): number | undefined;
export function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

/** An option that takes one of `values`. */
export function choice<T extends string>(name: string, text: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${values.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

/** An option's decimal number ≥ `min` (1.5, 1e-4; not '', 'Infinity' or hex). */
export function decimal(name: string, text: string | undefined, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) || !Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

/** Checks, before any work, that a file can be written at `path`: its folder exists and it is not itself a folder. */
export async function checkOutputFile(option: string, path: string): Promise<void> {
  const [folder, target] = await Promise.all([stat(dirname(path)).catch(() => null), stat(path).catch(() => null)]);
  if (!folder?.isDirectory()) throw new TrmError('invalid_path', `--${option} ${path}: folder ${dirname(path)} does not exist`);
  if (target?.isDirectory()) throw new TrmError('invalid_path', `--${option} ${path}: is a folder, not a file`);
}

const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};

/** The text of a file an option names; a missing file or a folder is bad input naming the option (reading a folder fails without a path). */
export function readOptionFile(option: string, path: string): Promise<string> {
  return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new TrmError('invalid_path', `--${option} ${path}: ${FS_PROBLEMS[e.code ?? ''] ?? e.message}`);
  });
}

/** A Node file-system error on a path (a missing folder, a file where a folder should be): bad input, not a bug. */
export function fileProblem(e: unknown): string | undefined {
  const { code, path, syscall } = e as NodeJS.ErrnoException;
  if (!(e instanceof Error && typeof path === 'string' && code && code in FS_PROBLEMS)) return undefined;
  // mkdir -p meets a file where a folder of the path should be
  return `${path}: ${code === 'EEXIST' && syscall === 'mkdir' ? 'is a file, not a folder' : FS_PROBLEMS[code]} (${syscall})`;
}

// biome-ignore lint/suspicious/noConfusingVoidType: a CLI's main returns its exit code, or nothing for 0
export function runCli(name: string, usage: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (e) => {
      const file = fileProblem(e);
      const heap = isHeapExhausted(e);
      if (e instanceof UsageError) console.error(`${name}: ${e.message}\n\n${usage}`);
      else if (e instanceof TrmError) console.error(`${name}: ${e.message}`);
      else if (file) console.error(`${name}: ${file}`);
      else if (heap) console.error(`${name}: ran out of the wasm backend's memory (${e.message}; at most 4 GB per thread): use a smaller --batch or fewer --tries`);
      else console.error(`${name}: unexpected failure: ${(e as Error).stack ?? e}`);
      process.exit(e instanceof UsageError || e instanceof TrmError || file || heap ? 2 : 1);
    },
  );
}
