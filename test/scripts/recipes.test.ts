/**
 * Reproducible shipped models: each package's architecture is a named preset, and the recipe beside its card
 * (model/weights/<id>/recipe.json) retrains it from scratch: `npm run retrain --smoke` runs every phase and flag of it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS, validateConfig } from '../../model/index.js';
import { validateHyper } from '../../model/train/hyper.js';
import { openEvalSet, openTrainingData } from '../../scripts/lib/data-spec.js';
import { cli } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'trm-retrain-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Phase {
  run: string;
  preset?: string;
  init?: string;
  training: unknown;
  data: string;
  eval?: string;
  sittings: { workers: number; max_steps: number; data?: string }[];
}
const MODELS = ['sudoku', 'maze', 'arc'] as const;
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const recipe = (id: string): { phases: Phase[] } => json(join(ROOT, 'model/weights', id, 'recipe.json'));
const trmEdge = (dir: string) => json(join(dir, 'model.json')).userDefinedMetadata.trmEdge;
const presetOf = (id: string) => PRESETS[recipe(id).phases[0]!.preset as keyof typeof PRESETS];
/** A package's config as its preset states it: an ARC model's puzzle rows are its data's (a preset keeps one). */
const asPreset = (config: unknown) => ({ ...validateConfig(config), num_puzzle_identifiers: 1 });

describe.concurrent('shipped models: presets and recipes', () => {
  it.each(MODELS)('%s: its package config is a preset', (id) => {
    expect(presetOf(id)).toBeDefined();
    expect(asPreset(trmEdge(join(ROOT, 'model/weights', id)).config)).toEqual(presetOf(id));
  });

  it.each(MODELS)('%s: its recipe names a preset, valid hyper-parameters and data specs of its shape, and its card lists it', async (id) => {
    const { phases } = recipe(id);
    const { seq_len, vocab_size } = presetOf(id);
    // A chain: the first phase from a preset, each later one from the phase before it.
    expect(Object.keys(PRESETS)).toContain(phases[0]!.preset);
    expect(phases.map((p) => p.init)).toEqual([undefined, ...phases.slice(0, -1).map((p) => p.run)]);
    expect(phases.slice(1).map((p) => p.preset)).toEqual(phases.slice(1).map(() => undefined));
    for (const p of phases) {
      validateHyper(p.training);
      // Opening a spec checks its kind, options and files (relative to the project root, where the recipe runs).
      for (const spec of [p.data, ...p.sittings.flatMap((s) => s.data ?? [])])
        expect((await openTrainingData(spec, 1)).shape).toMatchObject({ seqLen: seq_len, vocabSize: vocab_size });
      if (p.eval) expect((await openEvalSet(p.eval, 1)).shape).toMatchObject({ seqLen: seq_len, vocabSize: vocab_size });
    }
    const dry = await cli('retrain', '--model', id, '--out', `runs/${id}-retrain`, '--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(readFileSync(join(ROOT, 'model/weights', id, 'README.md'), 'utf8')).toContain(`\`\`\`bash\n${dry.out}\`\`\``);
  });

  it('refuses bad arguments with exit 2 and a message, before any work', async () => {
    const full = join(scratch, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'x');
    const cases = [
      [['--model', 'chess', '--out', join(scratch, 'chess')], /--model chess: no shipped model with a recipe \(arc, maze, sudoku\)/],
      [['--out', join(scratch, 'none')], /--model is required \(arc, maze, sudoku\)/],
      [['--model', 'sudoku'], /--out is required/],
      [['--model', 'maze', '--out', full], /--out .*full is not empty/],
      [['--model', 'maze', '--out', join(full, 'keep.txt')], /keep\.txt: is a file, not a folder/],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => cli('retrain', ...args)));
    results.forEach((r, i) => {
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(cases[i]![1]);
      expect(r.out).toBe('');
    });
  });
});

// Concurrent: the smoke runs are mostly process start-ups, so they overlap well on two cores.
describe.concurrent('npm run retrain --smoke', () => {
  it.each(MODELS)('%s: retrain --smoke runs every phase to an int8 package of the preset', async (id) => {
    const out = join(scratch, id);
    const { phases } = recipe(id);
    const r = await cli('retrain', '--model', id, '--out', out, '--smoke');
    expect(r.code, r.err).toBe(0);
    // Every command printed before it ran: one train per sitting, one export per phase.
    expect(r.out.match(/^npm run train -- /gm)).toHaveLength(phases.reduce((n, p) => n + p.sittings.length, 0));
    expect(r.out.match(/^wrote .* bytes of weights \(int8\)$/gm)).toHaveLength(phases.length);
    for (const p of phases) {
      const run = json(join(out, p.run, 'run.json'));
      const metrics = readFileSync(join(out, p.run, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const steps = metrics.filter((m) => m.type === 'train');
      expect(steps.at(-1).step).toBe(p.sittings.length); // one step per command
      expect(metrics.filter((m) => m.type === 'eval').map((m) => m.step)).toEqual(p.eval ? [p.sittings.length] : []); // monitored at the phase's end
      expect(run.data).toBe(p.data);
      expect((run.phases ?? []).map((d: { data: string }) => d.data)).toEqual(p.sittings.flatMap((s) => s.data ?? []));
      expect(run.init?.from).toBe(p.init && join(out, `${p.init}-int8`));
    }
    const last = trmEdge(join(out, `${phases.at(-1)!.run}-int8`));
    expect(last.quantization).toBe('int8');
    expect(asPreset(last.config)).toEqual(presetOf(id));
    // An ARC package names the task of each puzzle row (the export rebuilds them from the run's data spec).
    expect(last.arc?.identifiers.length).toBe(id === 'arc' ? last.config.num_puzzle_identifiers : undefined);
    expect(last.provenance.source).toMatch(new RegExp(`^trm-edge training run ${phases.at(-1)!.run} `)); // as the shipped card names it
  });
});
