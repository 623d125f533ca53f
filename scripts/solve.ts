/**
 * npm run solve -- --model <checkpoint or run folder> --task sudoku --puzzle <81 chars>
 *
 * Solves one puzzle and prints the grid, each supervision step (the model "thinking"), the step
 * it halted at, the q confidence and whether the answer verifies. Exit 0 on success, 2 on bad
 * input (with the reason), 1 on an unexpected failure.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { FIT_INITS } from '../model/arc-fit.js';
import { countParameters } from '../model/cost.js';
import type { ArcTaskInput, Puzzle, Solution, Solver, TaskName } from '../model/index.js';
import { getTask } from '../model/tasks/index.js';
import { SEARCH_HALTS, type SearchHalt } from '../model/core.js';
import { initBackend, type BackendName } from '../model/runtime/node-backend.js';
import { createSolver } from '../model/runtime/node.js';
import { loadModelFromPath } from '../model/runtime/node-files.js';
import { choice, integer, parseOptions, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run solve -- --model <checkpoint or run folder> --task sudoku|maze|arc
         (--puzzle <text> | --puzzle-file <file>) [options]

  --model <path>        a model package (folder with model.json, or .trm), a training run folder,
                        or an official checkpoint (step_N or .safetensors)
  --task <name>         sudoku (81 chars, '.'/'0' blank), maze (rows over '# SG'), arc (task JSON);
                        default: the package's task
  --puzzle <text>       the puzzle inline (maze rows separated by newlines or '|')
  --puzzle-file <file>  the puzzle from a file (arc: a task JSON, with --test-index)
  --config <file>       model config, JSON or YAML (default: all_config.yaml beside the checkpoint)
  --max-steps <n>       supervision steps at most (default: the model's halt_max_steps)
  --halt never|q|verified
                        never: run every step (official evaluation, default); q: stop once q_halt > 0;
                        verified: stop once the answer passes the task's check (Sudoku, Maze)
  --tries <n>           run n copies of the puzzle, the first as given, the others under the task's
                        symmetries, and keep the first verified answer (Sudoku, Maze; default 1)
  --seed <s>            seed of the copies' symmetries (default 0)
  --id <task id>        ARC: the task's id, which the model must know (default: the file's name)
  --fit <steps>         ARC: a task the model never saw: first fit new puzzle rows for it on its
                        demonstration pairs (<steps> updates, weights frozen; model/arc-fit.ts), then vote
  --fit-init mean|blank|nearest
                        the new rows' start: the mean trained row (default), zeros (the official new id)
                        or the row of the known task whose row best predicts the demonstrations
  --backend wasm|cpu    TF.js backend (default wasm)
  --json                print one JSON object instead of text`;

function options() {
  return parseOptions({
    options: {
      model: { type: 'string' },
      task: { type: 'string' },
      puzzle: { type: 'string' },
      'puzzle-file': { type: 'string' },
      config: { type: 'string' },
      'max-steps': { type: 'string' },
      halt: { type: 'string', default: 'never' },
      tries: { type: 'string', default: '1' },
      seed: { type: 'string', default: '0' },
      id: { type: 'string' },
      fit: { type: 'string' },
      'fit-init': { type: 'string', default: 'mean' },
      backend: { type: 'string', default: 'wasm' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }).values;
}

/** The puzzle in the form the task's codec parses. */
async function readPuzzle(task: TaskName, inline: string | undefined, file: string | undefined, id: string | undefined): Promise<unknown> {
  if ((inline === undefined) === (file === undefined)) throw new UsageError('give exactly one of --puzzle and --puzzle-file');
  const text =
    inline ??
    (await readFile(file!, 'utf8').catch(() => {
      throw new UsageError(`--puzzle-file ${file}: cannot read`);
    }));
  if (task === 'maze') return text.includes('|') ? text.split('|') : text;
  if (task !== 'arc') return text;
  let json: { train?: unknown; test?: unknown };
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError('arc: the puzzle must be a task JSON ({"train": [...], "test": [...]})');
  }
  const name = id ?? (file ? basename(file, extname(file)) : undefined);
  if (!name) throw new UsageError('arc: --id <task id> is required with an inline --puzzle');
  return { ...json, id: name };
}

/** Text rendering of a solution for the terminal. */
function render(task: TaskName, solution: unknown): string {
  if (task === 'sudoku') {
    const s = solution as string;
    return Array.from({ length: 9 }, (_, r) => {
      const cells = Array.from({ length: 9 }, (_, c) => s[r * 9 + c]! + (c === 2 || c === 5 ? ' |' : ''));
      return ` ${cells.join(' ')}${r === 2 || r === 5 ? '\n ------+-------+------' : ''}`;
    }).join('\n');
  }
  if (task === 'maze') return (solution as string[]).map((row) => ` ${row}`).join('\n');
  return (solution as number[][][]).map((grid, i) => `test input ${i + 1}, attempt 1:\n${grid.map((row) => ` ${row.join(' ')}`).join('\n')}`).join('\n');
}

async function main(): Promise<void> {
  const o = options();
  if (o.help) return void console.log(USAGE);
  if (!o.model) throw new UsageError('--model is required');
  if (!(SEARCH_HALTS as readonly string[]).includes(o.halt!)) throw new UsageError(`--halt must be one of ${SEARCH_HALTS.join(', ')}, got ${JSON.stringify(o.halt)}`);
  const halt = o.halt as SearchHalt;
  const tries = integer('tries', o.tries!, 1);
  const seed = integer('seed', o.seed!, 0);
  const maxSteps = integer('max-steps', o['max-steps'], 1);
  const fitSteps = integer('fit', o.fit, 0);
  const fitInit = choice('fit-init', o['fit-init']!, FIT_INITS);
  if (o.backend !== 'wasm' && o.backend !== 'cpu') throw new UsageError(`--backend must be wasm or cpu, got ${JSON.stringify(o.backend)}`);
  await initBackend(o.backend as BackendName);
  const model = await loadModelFromPath(o.model, { ...(o.task ? { task: getTask(o.task).name } : {}), ...(o.config ? { configPath: o.config } : {}) });
  const packaged = 'metadata' in model ? model.metadata.task : undefined;
  if (!o.task && !packaged) throw new UsageError('--task is required for a checkpoint (packages know their task)');
  if (o.task && packaged && o.task !== packaged) throw new UsageError(`--task ${o.task} but ${o.model} is a ${packaged} model`);
  const task = (packaged ?? getTask(o.task!).name) as TaskName;
  if (fitSteps !== undefined && task !== 'arc') throw new UsageError(`--fit is for ARC tasks (a ${task} model has no per-task rows to fit)`);
  const puzzle = await readPuzzle(task, o.puzzle, o['puzzle-file'], o.id);
  const codec = task === 'arc' ? undefined : getTask(task, model.config.seq_len);
  const parsed = codec?.parse(puzzle); // a bad puzzle is reported before any work
  const solver = await createSolver({ model, task });
  const c = model.config;
  const started = performance.now();
  const steps: { step: number; confidence: number; solution: unknown }[] = [];
  const log = (line: string) => !o.json && console.log(line);

  log(
    `model   ${model.source.name} (${model.source.format}) · ${task} · D ${c.hidden_size} · T ${c.H_cycles} · n ${c.L_cycles} · ${countParameters(c).toLocaleString('en')} parameters · ${o.backend} backend`,
  );
  if (codec) log(`puzzle\n${render(task, codec.format(parsed))}`);
  let result: Solution;
  try {
    if (fitSteps !== undefined) {
      const every = Math.max(1, Math.round(fitSteps / 10));
      const fit = await (solver as Solver<'arc'>).fit(puzzle as ArcTaskInput, {
        steps: fitSteps,
        init: fitInit,
        seed: Math.max(seed, 1),
        onProgress: (p) =>
          p.step % every === 0 && log(`fit ${String(p.step).padStart(5)}/${p.steps}  loss ${p.loss.toFixed(3)}  demonstrations right ${(100 * p.exact).toFixed(0)} %`),
      });
      if (fit.nearest) log(`nearest known task ${fit.nearest.task} (demonstrations' loss ${fit.nearest.loss.toFixed(3)}): the rows start from its row`);
      log(`fitted ${fit.versions} rows for task ${fit.task} in ${fit.seconds.toFixed(1)} s`);
    }
    result = await solver.solve(puzzle as Puzzle<TaskName>, {
      maxSteps,
      halt,
      tries,
      seed,
      // ARC's answer is a vote at the end: no steps to show
      onStep:
        task === 'arc'
          ? undefined
          : (s) => {
              steps.push({ step: s.step, confidence: s.confidence, solution: s.solution });
              const changed = steps.length > 1 ? diffCount(steps[steps.length - 2]!.solution, s.solution) : 0;
              const note = steps.length === 1 ? '' : changed === null ? '  answer changed size' : `  ${changed} cells changed`;
              log(`step ${String(s.step).padStart(2)}/${maxSteps ?? c.halt_max_steps}  confidence ${s.confidence.toFixed(3)}${tries > 1 ? `  copy ${s.copy}` : ''}${note}`);
            },
    });
  } finally {
    solver.dispose();
  }
  const ms = performance.now() - started;
  if (o.json) {
    console.log(JSON.stringify({ task, model: model.source.name, ...result, ms: Math.round(ms), trajectory: steps }));
    return;
  }
  log(`solution\n${render(task, result.solution)}`);
  const why = !result.halted ? 'maxSteps budget' : halt === 'verified' && result.verified ? 'verified' : halt === 'q' && result.qHalt > 0 ? 'q_halt > 0' : 'halt_max_steps';
  const copies = tries > 1 ? ` · copy ${result.copy} of ${tries} (${result.work} steps over all copies)` : '';
  log(
    `${result.halted ? 'halted' : 'stopped'} at step ${result.steps} (${why})${copies} · confidence σ(q_halt) = ${result.confidence.toFixed(3)} · verified: ${result.verified ? 'yes' : 'no'} · ${(ms / 1000).toFixed(2)} s`,
  );
}

/** Cells that differ between two consecutive answers, or null when the answer changed size (ARC). */
function diffCount(a: unknown, b: unknown): number | null {
  const cells = (v: unknown): unknown[] => (typeof v === 'string' ? [...v] : (v as unknown[]).flatMap((row) => (typeof row === 'string' ? [...row] : (row as unknown[]))));
  const [x, y] = [cells(a), cells(b)];
  return x.length === y.length ? x.filter((v, i) => v !== y[i]).length : null;
}

runCli('solve', USAGE, main);
