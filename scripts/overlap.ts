/**
 * npm run overlap -- --run <run dir> [--run <dir> ...] --data <eval spec> [--data <spec> ...]
 *
 * Were any of these evaluation puzzles trained on? Replays what each run drew (scripts/lib/trained-data.ts)
 * and matches every drawn or stored example's input tokens exactly against the sets'. Exit 0 when none
 * was, 3 when some were (listed), 2 on bad input.
 */
import { setImmediate } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import { openEvalSet } from './lib/data-spec.js';
import { trainedData } from './lib/trained-data.js';
import { parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run overlap -- --run <run dir> [--run <dir> ...] --data <eval spec> [--data <spec> ...]

  --run <dir>     a training run folder (run.json + metrics.jsonl); a run started with --init does not
                  replay the training of the model it started from: pass that run's folder too
  --data <spec>   an evaluation set, as npm run eval takes it

Replays each run's data streams (a full batch per step, as the trainer draws them) and its stored puzzle
files as stored, then counts the evaluation puzzles whose input is exactly one of them. Generated
streams are regenerated, so a check costs about as much generation as the training did. Augmented
copies of a stored puzzle are not matched: the stored puzzle itself is.`;

const key = (tokens: Int32Array) => tokens.join(',');

async function main(): Promise<number> {
  const o = parseOptions({ options: { run: { type: 'string', multiple: true }, data: { type: 'string', multiple: true }, help: { type: 'boolean' } } }).values;
  if (o.help) return console.log(USAGE), 0;
  if (!o.run?.length || !o.data?.length) throw new UsageError('--run and --data are required');

  // Each held-out input → the sets and positions that hold it.
  const sets = await Promise.all(o.data.map((spec) => openEvalSet(spec)));
  const held = new Map<string, { set: number; index: number }[]>();
  sets.forEach((s, set) => s.examples.forEach((e, index) => {
    const k = key(e.tokens);
    held.set(k, [...(held.get(k) ?? []), { set, index }]);
  }));
  console.log(`held out  ${held.size.toLocaleString('en')} distinct puzzles in ${sets.length} set${sets.length > 1 ? 's' : ''}`);

  const hits = sets.map(() => new Set<number>());
  for (const dir of o.run) {
    const run = await trainedData(dir);
    for (const p of run.phases) console.log(`run       ${dir}: steps ${(p.step + 1).toLocaleString('en')}-${p.end.toLocaleString('en')} on ${p.data} (seed ${p.seed}), ${p.draws.toLocaleString('en')} examples drawn`);
    if (run.init) console.log(`          started from ${run.init.from} (${run.init.provenance}): not replayed here`);
    const total = run.phases.reduce((s, p) => s + p.draws, 0);
    const bar = new cliProgress.SingleBar({ format: 'replaying |{bar}| {value}/{total} drawn · ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 60_000 }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    let drawn = 0;
    for await (const chunk of run.chunks()) {
      for (const e of chunk.examples) for (const h of held.get(key(e.tokens)) ?? []) hits[h.set]!.add(h.index);
      bar.update((drawn += chunk.drawn));
      await setImmediate(); // the bar draws on a timer when the output is not a terminal
    }
    bar.stop();
  }

  console.log('\nset                                                           n  trained on');
  sets.forEach((s, i) => {
    const found = [...hits[i]!].sort((a, b) => a - b);
    const which = found.length ? `  (#${found.slice(0, 10).join(', #')}${found.length > 10 ? ', …' : ''})` : '';
    console.log(`${s.description.slice(0, 60).padEnd(60)} ${String(s.examples.length).padStart(5)}  ${String(found.length).padStart(10)}${which}`);
  });
  return hits.some((h) => h.size) ? 3 : 0;
}

runCli('overlap', USAGE, main);
