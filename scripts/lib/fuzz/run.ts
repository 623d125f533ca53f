/**
 * One fuzz run over a surface: every mutant must load, or be refused with a TrmError, within a time
 * bound, and leave no tensor behind. fast-check drives it (a fixed seed reproduces a run) and
 * shrinks a failure to its smallest mutant.
 */
import fc from 'fast-check';
import { TrmError } from '../../../model/errors.js';
import type { Recipe } from './mutate.js';
import { tensorCount, type Surface } from './surfaces.js';

export interface FuzzReport {
  surface: string;
  runs: number;
  seed: number;
  /** Mutants that loaded (a changed weight byte still loads: the checks are on structure, and on hashes in packages). With a failure, the counts include the shrinking's re-runs. */
  loaded: number;
  /** Mutants refused, by TrmError code. */
  refused: Record<string, number>;
  /** The smallest failing mutant found (its recipe is a regression case), with what escaped. */
  failure?: { recipe: Recipe; bytes: Uint8Array; error: string };
  ms: number;
}

class Escaped extends Error {}

/** A raw exception's class, message and where it was thrown (the first frames of its stack). */
const escaped = (e: unknown) => `${(e as Error)?.constructor?.name ?? typeof e}: ${(e as Error)?.message ?? e}${((e as Error)?.stack ?? '').split('\n').slice(1, 4).join('')}`;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Escaped(`no answer within ${ms} ms (${what})`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function fuzz(surface: Surface, { runs, seed, timeoutMs = 5000 }: { runs: number; seed: number; timeoutMs?: number }): Promise<FuzzReport> {
  const started = performance.now();
  const report: FuzzReport = { surface: surface.name, runs, seed, loaded: 0, refused: {}, ms: 0 };
  const { recipes, build } = await surface.prepare();
  const property = fc.asyncProperty(recipes, async (recipe) => {
    const before = tensorCount();
    try {
      await withTimeout(surface.load(build(recipe)), timeoutMs, surface.name);
      report.loaded++;
    } catch (e) {
      if (!(e instanceof TrmError)) throw e instanceof Escaped ? e : new Escaped(escaped(e));
      report.refused[e.code] = (report.refused[e.code] ?? 0) + 1;
    }
    if (tensorCount() !== before) throw new Escaped(`${tensorCount() - before} tensors left behind`);
  });
  const details = await fc.check(property, { numRuns: runs, seed });
  if (details.failed && details.counterexample) {
    const [recipe] = details.counterexample as [Recipe];
    report.failure = { recipe, bytes: build(recipe), error: String((details.errorInstance as Error)?.message ?? details.errorInstance) };
  }
  report.ms = performance.now() - started;
  return report;
}
