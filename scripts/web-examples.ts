/**
 * npx tsx scripts/web-examples.ts
 *
 * Writes worker/web/examples.json, the demo page's examples: a few puzzles per difficulty from the
 * sets the default models' cards evaluate (Kaggle curated Sudoku levels, ../shared/data; held-out
 * generated 10×10 mazes by shortest-path length), so the page shows the models where they were measured.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatMaze, formatSudoku, sudokuCodec } from '../model/tasks/index.js';
import { parseOptions, runCli } from './lib/cli.js';
import { openEvalSet } from './lib/data-spec.js';

const ROOT = join(import.meta.dirname, '..');
const PER_LEVEL = 3;
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
  const out = join(ROOT, 'worker/web/examples.json');
  await writeFile(out, `${JSON.stringify({ generatedBy: 'npx tsx scripts/web-examples.ts', sudoku, maze }, null, 1)}\n`);
  console.log(`wrote ${out}: ${sudoku.length} Sudoku levels, ${maze.length} maze levels, ${PER_LEVEL} each`);
}

runCli('web-examples', 'usage: npx tsx scripts/web-examples.ts', main);
