/** The front door: `createSolver` from every kind of model source, and its refusals. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createSolver as createCoreSolver } from '../../model/index.js';
import { createSolver, MODELS, TrmError, type Solver } from '../../model/runtime/node.js';
import { loadPackage, packContainer, packModel } from '../../model/pack/index.js';
import { packageDirHandler } from '../../model/runtime/node-files.js';
import { namedWeights } from '../../model/weights.js';
import { FIXTURES, ROOT } from '../helpers/paths.js';

// The Wikipedia Sudoku and its solution (the README's example).
const PUZZLE = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';
const SOLVED = '534678912672195348198342567859761423426853791713924856961537284287419635345286179';
const MAZE = ['##########', '#S   #   #', '# ## # # #', '#  #   # #', '## ##### #', '#   #   ##', '# #   # ##', '# ##### G#', '#        #', '##########'];
const OFFICIAL = join(FIXTURES, 'sudoku-mlp-small');
const tmp = mkdtempSync(join(tmpdir(), 'trm-front-door-'));
const solvers: Solver[] = [];
const keep = <S extends Solver>(s: S): S => (solvers.push(s), s);
afterAll(() => solvers.forEach((s) => s.dispose()));

describe('the root API', () => {
  it('is small: the values a user needs, the same from the core and from the Node entry', async () => {
    const root = Object.keys(await import('../../model/index.js')).sort();
    expect(root).toEqual([
      'BackendError',
      'CheckpointError',
      'ConfigError',
      'DisposedError',
      'InvalidPuzzleError',
      'MODELS',
      'PRESETS',
      'TASKS',
      'TrmError',
      'createSolver',
      'evaluate',
      'validateConfig',
    ]);
    const node = Object.keys(await import('../../model/runtime/node.js')).sort();
    expect(node).toEqual([...root, 'initBackend', 'registerGradients', 'workerReplicas'].sort());
  });
});

describe('createSolver: one front door for every kind of model', () => {
  it('takes a shipped model by name, typed by its task, on the best backend there is', async () => {
    const solver = keep(await createSolver({ model: 'sudoku' }));
    const r = await solver.solve(PUZZLE);
    const text: string = r.solution; // Solver<'sudoku'>: the answer is a string
    expect([text, r.verified, solver.task]).toEqual([SOLVED, true, 'sudoku']);
    expect(['wasm', 'tensorflow']).toContain(tf.getBackend());
    expect(MODELS.map((m) => m.id)).toEqual(['sudoku', 'maze', 'arc']);
  });

  it('takes a package folder and a single-file .trm, and reports loading progress', async () => {
    const progress: number[] = [];
    const dir = keep(await createSolver({ model: join(ROOT, 'model/weights/maze'), onProgress: (f) => progress.push(f) }));
    expect(dir.task).toBe('maze');
    expect(progress.at(-1)).toBe(1);
    const { solution } = await dir.solve(MAZE, { maxSteps: 2 });
    expect(solution).toHaveLength(10);

    const pkg = await loadPackage(packageDirHandler(join(ROOT, 'model/weights/sudoku')), 'sudoku');
    const weights = new Map([...namedWeights(pkg.weights)].map(([n, t]) => [n, t.dataSync() as Float32Array]));
    const file = join(tmp, 'sudoku.trm');
    writeFileSync(file, packContainer(await packModel({ task: 'sudoku', config: pkg.config, weights, quantization: 'int8', provenance: { source: 'test', created: 'now' } })));
    pkg.dispose();
    const trm = keep(await createSolver({ model: file, task: 'sudoku' }));
    expect((await trm.solve(PUZZLE)).solution).toBe(SOLVED);
  });

  it('takes an official checkpoint with its config, and infers the task from its vocabulary and size', async () => {
    const solver = keep(await createSolver({ model: join(OFFICIAL, 'step_0'), config: join(OFFICIAL, 'config.json') }));
    expect(solver.task).toBe('sudoku');
    expect(solver.model.source.format).toBe('torch-zip');
    const r = await solver.solve(PUZZLE, { maxSteps: 1 });
    expect(r.solution).toHaveLength(81);
  });

  it('takes a model already loaded, and leaves it to its owner when it refuses it', async () => {
    const pkg = await loadPackage(packageDirHandler(join(ROOT, 'model/weights/sudoku')), 'sudoku');
    await expect(createSolver({ model: pkg, task: 'maze' })).rejects.toThrow(/this model solves sudoku, not maze/);
    const solver = keep(await createSolver({ model: pkg })); // not disposed by the refusal above
    expect((await solver.solve(PUZZLE)).verified).toBe(true);
  });

  it('refuses an unknown name, a path that is not a model, and a missing model, with what and where', async () => {
    const cases: [Parameters<typeof createSolver>[0], string, RegExp][] = [
      [{ model: 'chess' }, 'unknown_model', /unknown model "chess": not a shipped model \(sudoku, maze, arc\), and no file or folder of that name/],
      [{ model: join(ROOT, 'package.json') }, 'invalid_checkpoint', /package\.json: neither a PyTorch zip checkpoint nor a safetensors file/],
      [{ model: join(ROOT, 'model') }, 'invalid_checkpoint', /model: folder has no step_N checkpoint/],
      [{ model: join(tmp, 'nothing-here') }, 'invalid_checkpoint', /nothing-here: no such file or folder/],
      [{ model: '' }, 'invalid_config', /`model` is required/],
      [{ model: 'sudoku', task: 'chess' as 'sudoku' }, 'invalid_config', /unknown task "chess"/],
      [{ model: 'sudoku', task: 'maze' }, 'invalid_config', /this model solves sudoku, not maze/],
    ];
    const before = tf.memory().numTensors;
    for (const [options, code, message] of cases) {
      const error = await createSolver(options).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, String(options.model)).toBeInstanceOf(TrmError);
      expect([(error as TrmError).code, (error as TrmError).message]).toEqual([code, expect.stringMatching(message)]);
    }
    expect(tf.memory().numTensors).toBe(before); // a refused model's weights are freed
  });

  it("the core's front door (pages, workers) refuses a backend that is not registered and a bare name that is not a model", async () => {
    const backend = (await createCoreSolver({ model: 'sudoku', backend: 'nope' }).catch((e: TrmError) => e)) as TrmError;
    expect([backend.code, backend.message]).toEqual(['backend_unavailable', expect.stringMatching(/TF\.js backend 'nope' is not registered \(registered: .*wasm/)]);
    const none = (await createCoreSolver(undefined as never).catch((e: TrmError) => e)) as TrmError; // a JavaScript caller with no options
    expect([none.code, none.message]).toEqual(['invalid_config', expect.stringMatching(/`model` is required/)]);
    const name = (await createCoreSolver({ model: 'chess' }).catch((e: TrmError) => e)) as TrmError;
    expect([name.code, name.message]).toEqual(['unknown_model', 'unknown model "chess": not a shipped model (sudoku, maze, arc) and not a URL']);
    expect(tf.getBackend()).toBe('wasm'); // the refusal left the backend as it was
  });
});
