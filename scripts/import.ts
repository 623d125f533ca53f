/**
 * npm run import -- <step_N | .safetensors> --task sudoku|maze|arc [--config <yaml|json>] [--quant int8|fp16|fp32] [--out <dir|file.trm>]
 *                  [--tasks <ids or file> --identifiers <identifiers.json>]
 *
 * Turns an official PyTorch checkpoint (or a public reproduction's) into a model package. For ARC,
 * --tasks keeps only the puzzle rows of the chosen tasks (original + augmentations, by the official
 * identifier names in identifiers.json), so the package stays small and records what it can solve.
 */
import { basename } from 'node:path';
import { getTask } from '../model/tasks/index.js';
import { TrmError, type TaskName } from '../model/index.js';
import { QUANTIZATIONS, type Quantization } from '../model/pack/format.js';
import { selectArcRows, takeRows } from '../model/pack/arc-rows.js';
import { initBackend } from '../model/runtime/node-backend.js';
import { loadCheckpointFile } from '../model/runtime/node-files.js';
import { savePackage } from './lib/package.js';
import { parseOptions, readOptionFile, runCli, UsageError } from './lib/cli.js';

const USAGE = `usage: npm run import -- <checkpoint> --task sudoku|maze|arc [--config <file>] [--quant int8|fp16|fp32] [--out <dir|file.trm>]
                          [--tasks <id,id,... | file> --identifiers <identifiers.json>] [--force]`;

async function main(): Promise<number> {
  const parsed = parseOptions({
    allowPositionals: true,
    options: {
      task: { type: 'string' },
      config: { type: 'string' },
      quant: { type: 'string', default: 'int8' },
      out: { type: 'string' },
      tasks: { type: 'string' },
      identifiers: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  const o = parsed.values;
  if (o.help) return (console.log(USAGE), 0);
  const [checkpoint] = parsed.positionals;
  if (!checkpoint || parsed.positionals.length > 1) throw new UsageError('give exactly one checkpoint');
  if (!o.task) throw new UsageError('--task is required');
  const task = getTask(o.task).name as TaskName;
  if (!(QUANTIZATIONS as readonly string[]).includes(o.quant!)) throw new UsageError(`--quant must be one of ${QUANTIZATIONS.join(', ')}`);
  if (o.tasks && !o.identifiers) throw new UsageError('--tasks needs --identifiers (the identifiers.json of the dataset the model was trained on)');
  if (task === 'arc' && !o.identifiers) throw new UsageError('an ARC package needs --identifiers to know which task each puzzle row belongs to');

  // Read before the checkpoint (an ARC one is 2 GB).
  const identifiers =
    o.identifiers === undefined
      ? undefined
      : await readOptionFile('identifiers', o.identifiers).then((text) => {
          try {
            return JSON.parse(text) as string[];
          } catch (e) {
            throw new TrmError('invalid_identifiers', `--identifiers ${o.identifiers}: not JSON (${(e as Error).message})`);
          }
        });
  await initBackend('wasm');
  const model = await loadCheckpointFile(checkpoint, { task, ...(o.config ? { configPath: o.config } : {}) });
  let arc: { identifiers: string[] } | undefined;
  let puzzleRows: { table: Float32Array; config: typeof model.config } | undefined;
  if (identifiers !== undefined) {
    if (!Array.isArray(identifiers) || identifiers.length !== model.config.num_puzzle_identifiers) {
      throw new TrmError(
        'invalid_identifiers',
        `${o.identifiers} lists ${Array.isArray(identifiers) ? identifiers.length : 'no'} identifiers; the checkpoint has ${model.config.num_puzzle_identifiers} puzzle rows`,
      );
    }
    if (o.tasks) {
      const list =
        o.tasks.includes(',') || (!o.tasks.endsWith('.txt') && !o.tasks.endsWith('.json')) ? o.tasks.split(',') : (await readOptionFile('tasks', o.tasks)).split(/[\s,]+/);
      const selection = selectArcRows(identifiers, new Set(list.map((t) => t.trim()).filter(Boolean)));
      puzzleRows = takeRows(model.weights.puzzleEmb!.dataSync() as Float32Array, model.config.puzzle_emb_ndim, selection.rows, model.config);
      arc = { identifiers: selection.identifiers };
      console.log(`kept ${selection.rows.length} of ${identifiers.length} puzzle rows (${list.length} task(s))`);
    } else {
      arc = { identifiers };
    }
  }
  const out = o.out ?? `${basename(checkpoint).replace(/\.safetensors$/, '')}-${task}-${o.quant}`;
  const bytes = await savePackage(out, {
    model,
    task,
    quantization: o.quant as Quantization,
    provenance: { source: `${basename(checkpoint)} (${model.source.format}), imported by trm-edge`, created: new Date().toISOString() },
    ...(arc ? { arc } : {}),
    ...(puzzleRows ? { puzzleRows } : {}),
    title: `${task} model imported from ${basename(checkpoint)}`,
    force: o.force!,
  });
  model.dispose();
  console.log(`wrote ${out}: ${bytes.toLocaleString('en')} bytes of weights (${o.quant})`);
  return 0;
}

runCli('import', USAGE, main);
