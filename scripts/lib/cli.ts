/**
 * What every CLI shares: option parsing errors and exit codes. 0 done; 2 bad input (a usage error
 * with the usage text, or a TrmError with its message); 1 an unexpected failure (with its stack).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TrmError } from '../../model/errors.js';

export class UsageError extends Error {}

/** node:util parseArgs, its errors turned into UsageErrors. */
export function parseOptions<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function runCli(name: string, usage: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (e) => {
      if (e instanceof UsageError) console.error(`${name}: ${e.message}\n\n${usage}`);
      else if (e instanceof TrmError) console.error(`${name}: ${e.message}`);
      else console.error(`${name}: unexpected failure: ${(e as Error).stack ?? e}`);
      process.exit(e instanceof UsageError || e instanceof TrmError ? 2 : 1);
    },
  );
}
