/**
 * npx tsx scripts/web-examples.ts
 *
 * Writes worker/web/examples.json, the demo page's examples: a few puzzles per difficulty from the
 * sets the default models' cards evaluate (Kaggle curated Sudoku levels, ../shared/data; held-out
 * generated 10×10 mazes by shortest-path length; for ARC, tasks of the shipped model's split: training tasks
 * whose test pairs it trained on, evaluation tasks whose test outputs it never saw, and tasks held out of its
 * training altogether, which the page fits first), so the page shows the models where they were measured.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatMaze, formatSudoku, sudokuCodec } from '../model/tasks/index.js';
import { parseOptions, runCli } from './lib/cli.js';
import { openEvalSet } from './lib/data-spec.js';

const ROOT = join(import.meta.dirname, '..');
const PER_LEVEL = 3;
// The shipped ARC model's split (its recipe's data spec), and how each group of its tasks is taken from it.
const ARC_GROUPS: [string, (spec: string) => string][] = [
  ['training task (test pair trained on)', (spec) => spec.replace(':test=evaluation', ':test=training').replace(/:holdout=\d+/, '')],
  ['evaluation task (test output never trained on)', (spec) => spec],
  ['held out (never trained on: fit first)', (spec) => spec.replace(':holdout=', ':heldout=')],
];
const KAGGLE = ['Beginner', 'Easy', 'Medium', 'Hard', 'Expert'];
// The maze card's evaluation sets: seed and shortest-path length.
const MAZES: [string, number, number][] = [
  ['path ≥ 10', 4244, 10],
  ['path ≥ 16', 4245, 16],
  ['path ≥ 20', 4242, 20],
  ['path ≥ 24', 4243, 24],
];

async function main(): Promise<void> {
  parseOptions({ options: {} });
  const sudoku = [];
  for (const [i, level] of KAGGLE.entries()) {
    const spec = `sudoku:${join(ROOT, '../shared/data/sudoku/kaggle-3m-curated-5000')}:from=${i * 1000}:count=${PER_LEVEL}`;
    const set = await openEvalSet(spec);
    const puzzles = set.examples.map((e) => formatSudoku(sudokuCodec.decode(e.tokens, { rows: 9, cols: 9, cells: new Uint8Array(81) })));
    sudoku.push({ level, source: `Kaggle 3M curated, ${level} #${i * 1000}-${i * 1000 + PER_LEVEL - 1}`, puzzles });
  }
  const maze = [];
  for (const [level, seed, min] of MAZES) {
    const spec = `maze-gen:10:min=${min}:seed=${seed}:count=${PER_LEVEL}`;
    const set = await openEvalSet(spec);
    maze.push({ level, source: spec, puzzles: set.examples.map((e) => formatMaze({ rows: 10, cols: 10, cells: Uint8Array.from(e.tokens) })) });
  }
  const recipe = JSON.parse(await readFile(join(ROOT, 'model/weights/arc/recipe.json'), 'utf8')) as { phases: { data: string }[] };
  const arc = [];
  for (const [level, specOf] of ARC_GROUPS) {
    const spec = specOf(recipe.phases[0]!.data);
    const tasks = Object.entries((await openEvalSet(spec.replace('../shared', join(ROOT, '../shared')))).arc!.testPuzzles).sort(([a], [b]) => (a < b ? -1 : 1));
    const puzzles = tasks.slice(0, PER_LEVEL).map(([id, task]) => ({ id, ...task }));
    arc.push({ level, source: `${spec}, the first ${PER_LEVEL} tasks by id`, puzzles });
  }
  const out = join(ROOT, 'worker/web/examples.json');
  const json = JSON.stringify({ generatedBy: 'npx tsx scripts/web-examples.ts', sudoku, maze, arc }, null, 1);
  await writeFile(out, `${json.replace(/\[[\d,\s]*\]/g, (row) => row.replace(/\s+/g, ''))}\n`); // a grid row on one line
  console.log(`wrote ${out}: ${sudoku.length} Sudoku levels, ${maze.length} maze levels, ${arc.length} ARC groups, ${PER_LEVEL} each`);
}

runCli('web-examples', 'usage: npx tsx scripts/web-examples.ts', main);
