/**
 * npm run retrain -- --model <sudoku|maze> --out <dir> [--smoke] [--dry-run]
 *
 * Retrains a shipped model from scratch with this code, by the recipe beside its card (model/weights/<model>/recipe.json):
 * phase by phase, with the CLIs a user runs: `npm run train` once per sitting (`--resume` after the first), then
 * `npm run export` to int8, the package the next phase's `--init` starts from (each shipped fine-tune started from the
 * int8 package shipped before it). Every step is printed as a shell line before it runs, so the output is the recipe as
 * a script. --smoke keeps every phase, command and flag but lets each train command take one more optimizer step, on
 * batches of 4, with a 2-example monitoring set evaluated at each phase's last step (the recipe's test); --dry-run prints
 * without running.
 * Exit 0 done, 2 bad input, 130 interrupted, else the exit code of the command that failed.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PRESETS, TrmError } from '../model/index.js';
import { QUANTIZATIONS } from '../model/pack/format.js';
import { validateHyper } from '../model/train/hyper.js';
import { parseOptions, runCli, UsageError } from './lib/cli.js';

const WEIGHTS = join(dirname(fileURLToPath(import.meta.url)), '../model/weights');

const USAGE = `usage: npm run retrain -- --model <id> --out <dir> [--smoke] [--dry-run]

  --model <id>   a shipped model with a recipe: model/weights/<id>/recipe.json
  --out <dir>    a new or empty folder for the phases' config files, runs and int8 packages
  --smoke        every phase and flag, one optimizer step per train command, small batches and monitoring sets
  --dry-run      print the commands without running them`;

const count = z.number().int().min(1);
const recipeSchema = z
  .object({
    model: z.string(),
    note: z.string(),
    phases: z
      .array(
        z
          .object({
            /** The run folder's name, so the package's provenance reads as the shipped one's ("training run sudoku3"). */
            run: z.string().regex(/^[\w.-]+$/),
            /** From scratch on a preset's model, or --init from an earlier phase's int8 export. */
            preset: z.string().optional(),
            init: z.string().optional(),
            training: z.record(z.string(), z.unknown()),
            data: z.string(),
            eval: z.string().optional(),
            eval_every: count.optional(),
            /** One train command each, up to max_steps; a sitting's data starts a curriculum phase (--resume --data). */
            sittings: z.array(z.object({ workers: count, max_steps: count, data: z.string().optional() }).strict()).min(1),
            hours: z.number().positive(),
            shipped: z.string(),
            note: z.string(),
          })
          .strict(),
      )
      .min(1),
    export: z.object({ quant: z.enum(QUANTIZATIONS) }).strict(),
  })
  .strict();
type Recipe = z.infer<typeof recipeSchema>;

/** The shipped models that have a recipe. */
async function recipeModels(): Promise<string[]> {
  const ids = await readdir(WEIGHTS);
  const has = await Promise.all(
    ids.map((id) =>
      readFile(join(WEIGHTS, id, 'recipe.json')).then(
        () => true,
        () => false,
      ),
    ),
  );
  return ids.filter((_, i) => has[i]).sort();
}

/** Reads and checks a recipe: a chain of phases, the first from a preset, each later one from the one before it. */
async function readRecipe(id: string): Promise<Recipe> {
  const file = `model/weights/${id}/recipe.json`;
  const bad = (message: string): never => {
    throw new TrmError('invalid_config', `${file}: ${message}`);
  };
  const parsed = recipeSchema.safeParse(JSON.parse(await readFile(join(WEIGHTS, id, 'recipe.json'), 'utf8')));
  if (!parsed.success) bad(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const recipe = parsed.data!;
  if (recipe.model !== id) bad(`model: "${recipe.model}", expected "${id}"`);
  recipe.phases.forEach((p, i) => {
    const start = i === 0 ? p.preset : p.init;
    if (i === 0 ? !(p.preset && p.preset in PRESETS && !p.init) : !(p.init === recipe.phases[i - 1]!.run && !p.preset)) {
      bad(
        `phase ${p.run}: ${i === 0 ? `the first phase starts from a preset (${Object.keys(PRESETS).join(', ')})` : `a later phase starts with init: "${recipe.phases[i - 1]!.run}" (the phase before it)`}, got ${start}`,
      );
    }
    validateHyper(p.training);
    if (p.sittings.some((s, j) => j > 0 && s.max_steps <= p.sittings[j - 1]!.max_steps)) bad(`phase ${p.run}: each sitting's max_steps must pass the one before`);
    if (p.sittings[0]!.data) bad(`phase ${p.run}: the first sitting trains on the phase's data (a later sitting's data starts a curriculum phase)`);
  });
  return recipe;
}

type Step = { comment: string } | { mkdir: string } | { write: string; text: string } | { npm: 'train' | 'export'; args: string[] };

/** One line of JSON with spaces, as a person writes a small config (the recipe's values hold no `,"` or `":`). */
const json = (v: unknown) => JSON.stringify(v).replace(/,"/g, ', "').replace(/":/g, '": ');

/** The recipe as steps; `smoke`: the same steps, one optimizer step per train command, batches of 4, 2 monitoring examples at the phase's end. */
function recipeSteps(recipe: Recipe, out: string, smoke: boolean): Step[] {
  const steps: Step[] = [{ mkdir: out }];
  const n = recipe.phases.length;
  const packageOf = (run: string) => join(out, `${run}-int8`);
  recipe.phases.forEach((p, i) => {
    const run = join(out, p.run);
    const config = join(out, `${p.run}-config.json`);
    const last = p.sittings.at(-1)!.max_steps.toLocaleString('en');
    const from = p.preset ? `from scratch (preset ${p.preset})` : `from ${packageOf(p.init!)}`;
    steps.push({ comment: `phase ${i + 1} of ${n}: ${p.run}, ${from}, ${last} steps; the shipped phase (${p.shipped}) took ${p.hours} h of steps` });
    const training = smoke ? { ...p.training, global_batch_size: 4 } : p.training;
    // A preset cannot carry training settings on the command line (weight decays, puzzle_emb_lr), so the run gets a file.
    steps.push({ write: config, text: `${p.preset ? `{"model": ${json(PRESETS[p.preset as keyof typeof PRESETS])},\n "training": ` : '{"training": '}${json(training)}}\n` });
    const evalArgs = p.eval ? ['--eval', p.eval, '--eval-every', String(smoke ? p.sittings.length : (p.eval_every ?? 500)), ...(smoke ? ['--eval-limit', '2'] : [])] : [];
    p.sittings.forEach((s, j) => {
      const stop = ['--workers', String(s.workers), '--max-steps', String(smoke ? j + 1 : s.max_steps)];
      const args =
        j === 0
          ? [...(p.init ? ['--init', packageOf(p.init)] : []), '--config', config, '--data', p.data, '--out', run, ...evalArgs, ...stop]
          : ['--out', run, '--resume', ...(s.data ? ['--data', s.data] : []), ...stop];
      steps.push({ npm: 'train', args });
    });
    steps.push({ npm: 'export', args: ['--run', run, '--quant', recipe.export.quant, '--out', packageOf(p.run)] });
  });
  return steps;
}

/** A shell word: quoted unless plainly safe. */
const sh = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);

const show = (s: Step) =>
  'comment' in s
    ? `# ${s.comment}`
    : 'mkdir' in s
      ? `mkdir -p ${sh(s.mkdir)}`
      : 'write' in s
        ? `cat > ${sh(s.write)} <<'JSON'\n${s.text}JSON`
        : `npm run ${s.npm} -- ${s.args.map(sh).join(' ')}`;

/** Refuses an --out that holds anything: the phases' runs must start fresh, and a half-done retrain is continued by hand. */
async function checkOut(out: string): Promise<void> {
  const entries = await readdir(out).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw new UsageError(`--out ${out}: ${e.code === 'ENOTDIR' ? 'is a file, not a folder' : e.message}`);
  });
  if (entries.length) throw new UsageError(`--out ${out} is not empty: retrain writes a fresh folder (give a new or empty one)`);
}

/** Runs `npm run <script> -- args` with this terminal; resolves with its exit code. */
const npm = (script: string, args: string[]) =>
  new Promise<number>((resolve, reject) => {
    spawn('npm', ['run', script, '--', ...args], { stdio: 'inherit' })
      .on('error', reject)
      .on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });

async function main(): Promise<number> {
  const o = parseOptions({
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  }).values;
  if (o.help) return (console.log(USAGE), 0);
  const models = await recipeModels();
  if (!o.model) throw new UsageError(`--model is required (${models.join(', ')})`);
  if (!models.includes(o.model)) throw new UsageError(`--model ${o.model}: no shipped model with a recipe (${models.join(', ')})`);
  if (!o.out) throw new UsageError('--out is required');
  await checkOut(o.out);
  const recipe = await readRecipe(o.model);

  // Ctrl-C reaches the running command too (same process group), which saves and exits: then stop, not go on to the next.
  let interrupted = false;
  process.on('SIGINT', () => (interrupted = true));
  for (const step of recipeSteps(recipe, o.out, o.smoke!)) {
    console.log(show(step));
    if (o['dry-run'] || 'comment' in step) continue;
    let code = 0;
    if ('mkdir' in step) await mkdir(step.mkdir, { recursive: true });
    else if ('write' in step) await writeFile(step.write, step.text);
    else code = await npm(step.npm, step.args);
    if (interrupted) return (console.error(`retrain: interrupted; the runs so far are in ${o.out} (continue a run with npm run train -- --out <run> --resume)`), 130);
    if (code !== 0) return (console.error(`retrain: the command above failed (exit ${code}); the runs so far are in ${o.out}`), code);
  }
  if (!o['dry-run']) console.log(`retrained model/weights/${o.model} by its recipe: ${join(o.out, `${recipe.phases.at(-1)!.run}-int8`)}${o.smoke ? ' (smoke size)' : ''}`);
  return 0;
}

runCli('retrain', USAGE, main);
