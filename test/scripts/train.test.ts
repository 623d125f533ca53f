import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTrainingData } from '../../scripts/lib/data-spec.js';
import { loadSnapshot } from '../../scripts/lib/run-dir.js';
import { cli } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'trm-train-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A tiny Sudoku-MLP (D 32, T 1, n 2) on nearly-full generated grids: it can learn in a CI minute. */
const CONFIG = join(scratch, 'tiny.json');
writeFileSync(
  CONFIG,
  JSON.stringify({
    model: { mlp_t: true, pos_encodings: 'none', hidden_size: 32, expansion: 2, H_cycles: 1, L_cycles: 2, halt_max_steps: 2 },
    training: { global_batch_size: 16, lr: 0.003, lr_warmup_steps: 20, weight_decay: 0.01, puzzle_emb_lr: 0.003, ema_rate: 0.9, total_steps: 1000 },
  }),
);
const DATA = 'sudoku-gen:72-78';
const HELD_OUT = 'sudoku-gen:72-78:seed=99:count=64'; // another seed than the training stream (seed 1)
const lines = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('npm run train', () => {
  it('learns on a tiny preset: loss falls and held-out exact accuracy rises above 5%', async () => {
    const out = join(scratch, 'learn');
    const r = await cli('train', '--config', CONFIG, '--data', DATA, '--out', out, '--workers', '1', '--max-steps', '200', '--eval', HELD_OUT, '--eval-every', '100');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/time or step limit reached at step 200\/1000/);
    const metrics = lines(out);
    const train = metrics.filter((m) => m.type === 'train');
    const evals = metrics.filter((m) => m.type === 'eval');
    const mean = (xs: { lmLoss: number }[]) => xs.reduce((s, x) => s + x.lmLoss, 0) / xs.length;
    expect(mean(train.slice(-20))).toBeLessThan(0.5 * mean(train.slice(0, 20)));
    expect(evals.map((e) => e.step)).toEqual([100, 200]);
    expect(evals[1].exactAccuracy).toBeGreaterThanOrEqual(0.05); // copying the givens alone scores 0 exact
    expect(evals[1].tokenAccuracy).toBeGreaterThan(0.9);

    // The saved EMA weights load for evaluation, and score the same held-out set the same way.
    const ev = await cli('eval', '--model', out, '--data', HELD_OUT, '--json', join(scratch, 'eval.json'));
    expect(ev.code, ev.err).toBe(0);
    const [result] = JSON.parse(readFileSync(join(scratch, 'eval.json'), 'utf8')).results;
    expect(result.exactAccuracy).toBeCloseTo(evals[1].exactAccuracy, 10);
    expect(result.solved).toMatch(/^[01]{64}$/); // per puzzle, in order: what npm run compare pairs
    expect(result.solved.replace(/0/g, '').length / 64).toBe(result.exactAccuracy);
    // These puzzles have one solution each, so an answer is valid exactly when it is the label.
    expect(evals[1].validAccuracy).toBe(evals[1].exactAccuracy);
    expect(result.validAccuracy).toBe(result.exactAccuracy);
  });

  it('exports the run as an int8 package whose model card carries the evaluation and the notes', async () => {
    const pkg = join(scratch, 'pkg');
    const notes = join(scratch, 'notes.md');
    writeFileSync(notes, '## Split\n\nHeld out: seed 99.\n');
    const r = await cli(
      'export',
      '--run',
      join(scratch, 'learn'),
      '--quant',
      'int8',
      '--out',
      pkg,
      '--evals',
      join(scratch, 'eval.json'),
      '--notes',
      notes,
      '--title',
      'Tiny Sudoku',
    );
    expect(r.code, r.err).toBe(0);
    const card = readFileSync(join(pkg, 'README.md'), 'utf8');
    const report = JSON.parse(readFileSync(join(scratch, 'eval.json'), 'utf8'));
    expect(card).toMatch(/^# Tiny Sudoku\n/);
    expect(card).toContain('## Split\n\nHeld out: seed 99.');
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    const row = report.results[0];
    expect(card).toContain(`| ${row.data} | 64 | never | fp32 | ${pct(row.exactAccuracy)} | ${pct(row.tokenAccuracy)} | ${pct(row.validAccuracy)} |`);
    expect(JSON.parse(readFileSync(join(pkg, 'model.json'), 'utf8')).userDefinedMetadata.trmEdge.quantization).toBe('int8');
    // The run's training curves travel with the package, linked from the card.
    expect(card).toContain('![Training curves: losses, training and held-out accuracy, supervision steps used](training.svg)');
    expect(readFileSync(join(pkg, 'training.svg'), 'utf8')).toContain('Training run learn (sudoku)');
    const again = await cli('export', '--run', join(scratch, 'learn'), '--out', pkg);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists \(use --force to replace it\)/);
  });

  it('plots the run: npm run plot writes its curves, and refuses a folder that is not a run', async () => {
    const svgPath = join(scratch, 'curves.svg');
    const r = await cli('plot', '--run', join(scratch, 'learn'), '--out', svgPath);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`wrote ${svgPath}`);
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg).toContain(`200 steps · held out: ${lines(join(scratch, 'learn')).find((m) => m.type === 'eval').data}`);
    const bad = await cli('plot', '--run', scratch);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no run\.json/);
  });

  it('resumes bit for bit: 30 + 30 steps equal 60 steps, even after a kill between checkpoints', async () => {
    const [straight, split] = [join(scratch, 'straight'), join(scratch, 'split')];
    const common = ['--config', CONFIG, '--data', DATA, '--workers', '1'];
    expect((await cli('train', ...common, '--out', straight, '--max-steps', '60')).code).toBe(0);
    expect((await cli('train', ...common, '--out', split, '--max-steps', '30')).code).toBe(0);
    // As if killed after logging step 31 but before its checkpoint: the resume must not log it twice.
    appendFileSync(join(split, 'metrics.jsonl'), `${JSON.stringify({ type: 'train', step: 31, lmLoss: 9 })}\n`);
    const resumed = await cli('train', '--out', split, '--resume', '--max-steps', '60', '--workers', '1');
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/resumed at step 30/);
    const [a, b] = [await loadSnapshot(straight), await loadSnapshot(split)];
    expect(b.state).toEqual(a.state);
    for (const [name, t] of a.tensors) expect(Buffer.from(b.tensors.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    const strip = (m: Record<string, unknown>) => ({ ...m, time: undefined, ms: undefined });
    expect(lines(split).map(strip)).toEqual(lines(straight).map(strip));
  });

  it('goes on with other data from a checkpoint (a curriculum phase), bit for bit across later resumes', async () => {
    const [once, parts] = [join(scratch, 'phase-once'), join(scratch, 'phase-parts')];
    expect((await cli('train', '--config', CONFIG, '--data', DATA, '--workers', '1', '--out', once, '--max-steps', '30')).code).toBe(0);
    cpSync(once, parts, { recursive: true });
    const harder = 'sudoku-gen:60-70';
    const r = await cli('train', '--out', once, '--resume', '--data', harder, '--max-steps', '60', '--workers', '1');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('(from step 31)');
    expect(JSON.parse(readFileSync(join(once, 'run.json'), 'utf8')).phases).toEqual([{ step: 30, data: harder, seed: 31 }]);
    // The phase recorded, killed before its first checkpoint (here: no step run), then resumed twice.
    expect((await cli('train', '--out', parts, '--resume', '--workers', '1', '--data', harder, '--max-steps', '30')).code).toBe(0);
    // Its stream starts fresh from its own seed, not where the first data's stream stopped.
    expect((await loadSnapshot(parts)).state.source).toEqual((await openTrainingData(harder, 31)).source.state());
    for (const steps of ['45', '60']) {
      const step = await cli('train', '--out', parts, '--resume', '--workers', '1', '--max-steps', steps);
      expect(step.code, step.err).toBe(0);
    }
    const [a, b] = [await loadSnapshot(once), await loadSnapshot(parts)];
    expect(b.state).toEqual(a.state);
    for (const [name, t] of a.tensors) expect(Buffer.from(b.tensors.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    const givens = (tokens: number[]) => tokens.slice(0, 81).filter((t) => t > 1).length; // token 1 = blank
    expect(givens(a.state.slots.tokens)).toBeLessThanOrEqual(70); // a puzzle of the new data (the first had 72-78 givens)

    // The card names both phases; data that does not fit the model is refused before anything changes.
    const pkg = join(scratch, 'phase-pkg');
    expect((await cli('export', '--run', once, '--out', pkg)).code).toBe(0);
    expect(readFileSync(join(pkg, 'README.md'), 'utf8')).toContain(`- training data: ${DATA} (steps 1-30), then ${harder} (from step 31, seed 31)`);
    const bad = await cli('train', '--out', once, '--resume', '--data', 'maze-gen:10');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--data maze-gen:10: seq_len 100, vocab 6, identifiers 1 do not fit the run's model \(seq_len 81, vocab 11, identifiers 1\)/);
    expect(JSON.parse(readFileSync(join(once, 'run.json'), 'utf8')).phases).toHaveLength(1);
  });

  it('fine-tunes from a trained model (--init): its weights and config, its provenance on the card', async () => {
    const pkg = join(scratch, 'pkg'); // the int8 package exported above
    // Training settings only; a warm-up of 10^9 steps keeps the learning rate ~1e-9 of its base, so
    // five steps leave the parameters (and their EMA) as the package's: both score the same.
    const still = join(scratch, 'still.json');
    writeFileSync(still, JSON.stringify({ training: { global_batch_size: 16, lr: 0.003, lr_warmup_steps: 1e9, ema_rate: 0.9, total_steps: 1e9, seed: 7 } }));
    const out = join(scratch, 'tuned');
    const r = await cli('train', '--init', pkg, '--config', still, '--data', DATA, '--out', out, '--workers', '1', '--max-steps', '5', '--eval', HELD_OUT, '--eval-every', '5');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`(new, from ${pkg})`);
    expect(r.out).toMatch(/model {3}D 32 · mlp_t · T 1 · n 2 · N_sup 2/);
    const [tuned] = lines(out).filter((m) => m.type === 'eval');
    const base = await cli('eval', '--model', pkg, '--data', HELD_OUT, '--json', join(scratch, 'pkg-eval.json'));
    expect(base.code, base.err).toBe(0);
    const [own] = JSON.parse(readFileSync(join(scratch, 'pkg-eval.json'), 'utf8')).results;
    expect(own.exactAccuracy).toBeGreaterThan(0); // a trained model: the official initialisation scores 0
    expect([tuned.exactAccuracy, tuned.tokenAccuracy]).toEqual([own.exactAccuracy, own.tokenAccuracy]);

    const card = join(scratch, 'tuned-pkg');
    expect((await cli('export', '--run', out, '--out', card)).code).toBe(0);
    expect(readFileSync(join(card, 'README.md'), 'utf8')).toContain(
      `- initialised from: ${pkg} (trm-edge training run learn (EMA weights, step_200.safetensors); data ${DATA}; 200 steps; `,
    );

    // A --config may set training only, or agree with the model it starts from.
    const wider = join(scratch, 'wider.json');
    writeFileSync(wider, JSON.stringify({ model: { hidden_size: 64 }, training: {} }));
    const bad = await cli('train', '--init', pkg, '--config', wider, '--data', DATA, '--out', join(scratch, 'y'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--config .*wider\.json and --init .*pkg disagree on hidden_size \(64 vs 32\)/);
    const resumed = await cli('train', '--out', out, '--resume', '--init', pkg);
    expect(resumed.code).toBe(2);
    expect(resumed.err).toMatch(/--resume continues the run as it was created/);
  });

  it('refuses to overwrite a run, and resume options that would change it', async () => {
    const out = join(scratch, 'straight');
    const again = await cli('train', '--config', CONFIG, '--data', DATA, '--out', out);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already holds a run; continue it with --resume/);
    // Also what run.json fixes without changing parameters (the held-out evaluation): never silently ignored.
    const changed = await cli('train', '--out', out, '--resume', '--lr', '0.1', '--eval-every', '5');
    expect(changed.code).toBe(2);
    expect(changed.err).toMatch(
      /--resume continues the run as it was created: --lr, --eval-every cannot change; only --data \(a new phase\), --max-minutes, --max-steps, --checkpoint-minutes and --workers may/,
    );
    const bad = await cli('train', '--config', 'no-such-preset', '--data', DATA, '--out', join(scratch, 'x'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/neither a preset/);
  });

  it('checks everything before it creates the run folder: a held-out set of another task, a broken config, an --out that is a file', async () => {
    const out = join(scratch, 'never');
    const maze = await cli('train', '--config', CONFIG, '--data', DATA, '--out', out, '--workers', '1', '--eval', 'maze-gen:8:seed=3:count=2');
    expect(maze.code).toBe(2);
    expect(maze.err).toMatch(/--eval maze-gen:8:seed=3:count=2: seq_len 64, vocab 6 do not fit the run's model \(seq_len 81, vocab 11\)/);
    expect(existsSync(out)).toBe(false); // so a corrected command can start the run there
    const yaml = join(scratch, 'broken.yaml');
    writeFileSync(yaml, 'model: [1\n  bad: : yaml\n');
    const broken = await cli('train', '--config', yaml, '--data', DATA, '--out', out);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^train: .*broken\.yaml: not valid JSON or YAML \([^\n]*\)\n$/);
    const file = await cli('train', '--config', CONFIG, '--data', DATA, '--out', CONFIG);
    expect(file.code).toBe(2);
    expect(file.err).toContain(`--out ${CONFIG}: is a file, not a run folder`);
  });
});
