/**
 * npm run overlap -- --run <run dir> [--run <dir> ...] --data <eval spec> [--data <spec> ...]
 *
 * Were any of these evaluation puzzles trained on? Replays what each run drew (scripts/lib/trained-data.ts)
 * and matches every drawn or stored example's input against the sets': the same tokens, or the same puzzle
 * up to the task's augmentation (scripts/lib/equivalence.ts). Exit 0 when none was, 3 when some were
 * (listed), 2 on bad input.
 */
import { setImmediate } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import { openEvalSet } from './lib/data-spec.js';
import { equivalenceFor } from './lib/equivalence.js';
import { trainedData } from './lib/trained-data.js';
import { TrmError } from '../model/errors.js';
import { parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run overlap -- --run <run dir> [--run <dir> ...] --data <eval spec> [--data <spec> ...]

  --run <dir>     a training run folder (run.json + metrics.jsonl); a run started with --init does not
                  replay the training of the model it started from: pass that run's folder too
  --data <spec>   an evaluation set, as npm run eval takes it

Replays each run's data streams (a full batch per step, as the trainer draws them) and its stored puzzle
files, then counts the evaluation puzzles whose input is one of them: the same tokens, or the same puzzle
under the task's augmentation (Sudoku: a shuffle of rows, columns, bands, stacks, digits, transpose;
Maze: a rotation or reflection). Generated streams are regenerated, so a check costs about as much
generation as the training did.`;

async function main(): Promise<number> {
  const o = parseOptions({ options: { run: { type: 'string', multiple: true }, data: { type: 'string', multiple: true }, help: { type: 'boolean' } } }).values;
  if (o.help) return (console.log(USAGE), 0);
  if (!o.run?.length || !o.data?.length) throw new UsageError('--run and --data are required');

  const sets = await Promise.all(o.data.map((spec) => openEvalSet(spec)));
  const tasks = [...new Set(sets.map((s) => `${s.shape.task} (sequence ${s.shape.seqLen})`))];
  if (tasks.length > 1) throw new UsageError(`the --data sets are of different tasks (${tasks.join(', ')}): check them in separate runs`);
  // Every run is read and checked against the sets before any is replayed.
  const runs = await Promise.all(o.run.map(async (dir) => ({ dir, run: await trainedData(dir) })));
  const { seqLen, vocabSize } = sets[0]!.shape;
  for (const { dir, run } of runs) {
    if (run.model.seq_len !== seqLen || run.model.vocab_size !== vocabSize) {
      throw new TrmError(
        'invalid_data',
        `--run ${dir} trained on sequences of ${run.model.seq_len} tokens (vocab ${run.model.vocab_size}), the --data sets are of ${seqLen} (vocab ${vocabSize}): check them against a run of their task`,
      );
    }
  }
  const match = equivalenceFor(sets[0]!.shape.task, sets[0]!.shape.seqLen);
  // Each held-out input's key → the inputs with that key, and the sets and positions that hold them.
  const held = new Map<string, { tokens: Int32Array; set: number; index: number }[]>();
  sets.forEach((s, set) =>
    s.examples.forEach(({ tokens }, index) => {
      const k = match.key(tokens);
      held.set(k, [...(held.get(k) ?? []), { tokens, set, index }]);
    }),
  );
  console.log(
    `held out  ${sets.reduce((n, s) => n + s.examples.length, 0).toLocaleString('en')} puzzles in ${sets.length} set${sets.length > 1 ? 's' : ''}; equivalent: ${match.what}`,
  );

  const same = sets.map(() => new Set<number>()),
    equivalent = sets.map(() => new Set<number>());
  for (const { dir, run } of runs) {
    for (const p of run.phases)
      console.log(
        `run       ${dir}: steps ${(p.step + 1).toLocaleString('en')}-${p.end.toLocaleString('en')} on ${p.data} (seed ${p.seed}), ${p.draws.toLocaleString('en')} examples drawn`,
      );
    if (run.init) console.log(`          started from ${run.init.from} (${run.init.provenance}): not replayed here`);
    const total = run.phases.reduce((s, p) => s + p.draws, 0);
    const bar = new cliProgress.SingleBar(
      { format: 'replaying |{bar}| {value}/{total} drawn · ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 60_000 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    let drawn = 0;
    for await (const chunk of run.chunks()) {
      for (const { tokens } of chunk.examples) {
        for (const h of held.get(match.key(tokens)) ?? []) {
          if (same[h.set]!.has(h.index)) continue;
          if (tokens.every((t, i) => t === h.tokens[i])) same[h.set]!.add(h.index), equivalent[h.set]!.delete(h.index);
          else if (!equivalent[h.set]!.has(h.index) && match.equivalent(tokens, h.tokens)) equivalent[h.set]!.add(h.index);
        }
      }
      bar.update((drawn += chunk.drawn));
      await setImmediate(); // the bar draws on a timer when the output is not a terminal
    }
    bar.stop();
  }

  const list = (found: Set<number>) => {
    const sorted = [...found].sort((a, b) => a - b);
    return sorted.length ? `#${sorted.slice(0, 10).join(', #')}${sorted.length > 10 ? ', …' : ''}` : '';
  };
  console.log(`\n${'set'.padEnd(60)} ${'n'.padStart(5)} ${'same'.padStart(6)} ${'equivalent'.padStart(11)}`);
  sets.forEach((s, i) => {
    const which = [same[i]!.size ? `same ${list(same[i]!)}` : '', equivalent[i]!.size ? `equivalent ${list(equivalent[i]!)}` : ''].filter(Boolean).join('; ');
    console.log(
      `${s.description.slice(0, 60).padEnd(60)} ${String(s.examples.length).padStart(5)} ${String(same[i]!.size).padStart(6)} ${String(equivalent[i]!.size).padStart(11)}${which ? `  (${which})` : ''}`,
    );
  });
  return [...same, ...equivalent].some((h) => h.size) ? 3 : 0;
}

runCli('overlap', USAGE, main);
