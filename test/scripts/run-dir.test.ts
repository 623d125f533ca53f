import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendMetrics, checkNewRunDir, createRunDir, currentData, describeData, readRunSpec, withDataPhase, type RunSpec } from '../../scripts/lib/run-dir.js';
import { validateConfig } from '../../model/config.js';
import { validateHyper } from '../../model/train/hyper.js';

const scratch = mkdtempSync(join(tmpdir(), 'trm-run-dir-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = { data: 'maze-gen:10:min=16', training: { seed: 2 } } as RunSpec;

describe('data phases of a run (a curriculum)', () => {
  it('starts on the data it was created with, under the run seed', () => {
    expect(currentData(run)).toEqual({ step: 0, data: 'maze-gen:10:min=16', seed: 2 });
    expect(describeData(run)).toBe('maze-gen:10:min=16');
  });

  it('gives each phase its own seed, replaces a phase retried at the same step, and describes every phase with its steps', () => {
    const two = withDataPhase(withDataPhase(run, 'maze-gen:10:min=6', 2619), 'maze-gen:10:min=20', 4000);
    expect(two.phases).toEqual([
      { step: 2619, data: 'maze-gen:10:min=6', seed: 2621 },
      { step: 4000, data: 'maze-gen:10:min=20', seed: 4002 },
    ]);
    expect(currentData(two)).toEqual({ step: 4000, data: 'maze-gen:10:min=20', seed: 4002 });
    expect(describeData(two)).toBe(
      'maze-gen:10:min=16 (steps 1-2,619), then maze-gen:10:min=6 (steps 2,620-4,000, seed 2621), then maze-gen:10:min=20 (from step 4,001, seed 4002)',
    );
    const retried = withDataPhase(two, 'maze-gen:10:min=24', 4000);
    expect(retried.phases!.map((p) => p.data)).toEqual(['maze-gen:10:min=6', 'maze-gen:10:min=24']);
    expect(run.phases).toBeUndefined(); // the spec passed in is not changed
  });
});

describe('run.json', () => {
  const spec = {
    version: 1,
    model: validateConfig({ vocab_size: 11, seq_len: 81, num_puzzle_identifiers: 1 }),
    training: validateHyper({ seed: 3 }),
    data: 'sudoku-gen:30-36',
    task: 'sudoku',
    created: '2026-01-01',
  };
  const folder = (name: string, runJson: string) => {
    mkdirSync(join(scratch, name));
    writeFileSync(join(scratch, name, 'run.json'), runJson);
    return join(scratch, name);
  };

  it('reads a run as it was written', async () => {
    expect(await readRunSpec(folder('good', JSON.stringify(spec)))).toEqual(spec);
  });

  it.each([
    ['torn', '{"version": 1,', /torn\/run\.json: not readable JSON \(/],
    ['no-training', JSON.stringify({ ...spec, training: undefined }), /no-training\/run\.json: training: Invalid input: expected record/],
    ['bad-model', JSON.stringify({ ...spec, model: { ...spec.model, hidden_size: -1 } }), /bad-model\/run\.json: config\.hidden_size: /],
    ['bad-training', JSON.stringify({ ...spec, training: { ...spec.training, lr: 'fast' } }), /bad-training\/run\.json: training\.lr: /],
    ['bad-phase', JSON.stringify({ ...spec, phases: [{ step: 2, data: 'x' }] }), /bad-phase\/run\.json: phases\.0\.seed: /],
  ])('refuses a damaged run.json, naming the file and the field: %s', async (name, text, message) => {
    await expect(readRunSpec(folder(name, text))).rejects.toThrow(message);
  });

  it('refuses a new run in a folder that holds one, or in a file', async () => {
    await expect(checkNewRunDir(join(scratch, 'good'))).rejects.toThrow('already holds a run; continue it with --resume or choose another --out');
    writeFileSync(join(scratch, 'afile'), '');
    await expect(checkNewRunDir(join(scratch, 'afile'))).rejects.toThrow(`--out ${join(scratch, 'afile')}: is a file, not a run folder`);
    await expect(checkNewRunDir(join(scratch, 'new'))).resolves.toBeUndefined();
  });
});

describe('a new run folder', () => {
  const spec = {
    version: 1,
    model: validateConfig({ vocab_size: 11, seq_len: 81, num_puzzle_identifiers: 1 }),
    training: validateHyper({ seed: 3 }),
    data: 'sudoku-gen:30-36',
    task: 'sudoku',
    created: '2026-01-01',
  } as RunSpec;

  it('is undone when the run fails before its first checkpoint: a folder it made goes, a folder the user had keeps their files', async () => {
    const made = join(scratch, 'new', 'run');
    const undo = await createRunDir(made, spec);
    await appendMetrics(made, { type: 'train', step: 1 });
    expect(readdirSync(made).sort()).toEqual(['all_config.yaml', 'metrics.jsonl', 'run.json']);
    await undo();
    expect(existsSync(join(scratch, 'new'))).toBe(false); // the parent it made too

    const theirs = join(scratch, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'notes.md'), 'kept');
    const undoTheirs = await createRunDir(theirs, spec);
    await expect(checkNewRunDir(theirs)).rejects.toThrow(/already holds a run/);
    await undoTheirs();
    expect(readdirSync(theirs)).toEqual(['notes.md']);
    await checkNewRunDir(theirs); // a retry may use it again
  });
});
