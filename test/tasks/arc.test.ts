import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  applyArcAugmentation,
  arcAugmentedName,
  arcCodec,
  ARC_SIZE,
  cropArcCanvas,
  encodeArcGrid,
  gridEquals,
  invertArcAugmentation,
  isWellFormedCanvas,
  parseArcGrid,
  parseArcName,
  randomArcAugmentation,
  randomArcOffset,
  toRows,
  EOS,
  getTask,
} from '../../model/tasks/index.js';
import { arcTaskFits } from '../../model/data/arc-dataset.js';
import { createRng } from '../../model/core.js';
import { InvalidPuzzleError } from '../../model/index.js';
import { DATA } from '../helpers/paths.js';

interface Task {
  train: { input: number[][]; output: number[][] }[];
  test: { input: number[][]; output: number[][] }[];
}

/** Every task JSON under a folder, recursively. */
function tasks(dir: string): [string, Task][] {
  return readdirSync(join(DATA, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => [e.name, JSON.parse(readFileSync(join(e.parentPath, e.name), 'utf8'))] as [string, Task]);
}

const COLLECTIONS = [
  ['arc-agi-1/training', 400],
  ['arc-agi-1/evaluation', 400],
  ['arc-agi-2/training', 1000],
  ['arc-agi-2/evaluation', 120],
  ['conceptarc/corpus', 160],
  ['conceptarc/MinimalTasks', 16],
] as const;

describe.each(COLLECTIONS)('ARC codec on %s', (dir, count) => {
  const all = tasks(dir);
  const grids = all.flatMap(([, t]) => [...t.train, ...t.test].flatMap((p) => [p.input, p.output]));

  it(`reads all ${count} tasks and round-trips every grid through the canvas and the crop rule`, () => {
    expect(all.length).toBe(count);
    for (const rows of grids) {
      const g = parseArcGrid(rows);
      const canvas = encodeArcGrid(g);
      expect(isWellFormedCanvas(canvas)).toBe(true);
      expect(toRows(cropArcCanvas(canvas))).toEqual(rows);
    }
  });

  it('augmentation then its inverse is the identity on every grid', () => {
    const rng = createRng(11);
    for (const rows of grids) {
      const g = parseArcGrid(rows);
      const a = randomArcAugmentation(rng);
      const augmented = applyArcAugmentation(g, a);
      expect(augmented.cells.filter((c) => c === 0).length).toBe(g.cells.filter((c) => c === 0).length); // black is fixed
      expect(gridEquals(invertArcAugmentation(augmented, a), g)).toBe(true);
      expect(parseArcName(arcAugmentedName('task', a))).toEqual({ task: 'task', augmentation: a });
    }
  });
});

describe.each(COLLECTIONS)('ARC codec on a 12×12 canvas, %s', (dir) => {
  const N = 12;
  const codec = getTask('arc', N * N);
  const all = tasks(dir);
  const fit = all.filter(([, t]) => arcTaskFits(t, N));
  const tooBig = all.filter(([, t]) => !arcTaskFits(t, N));

  it('round-trips every grid of every task that fits, augmented and back, through the canvas and the crop rule', () => {
    expect(codec.seqLen).toBe(N * N);
    expect(fit.length).toBeGreaterThan(0);
    const rng = createRng(12);
    for (const [, t] of fit) {
      for (const rows of [...t.train, ...t.test].flatMap((p) => [p.input, p.output])) {
        const g = parseArcGrid(rows, [], N);
        const a = randomArcAugmentation(rng);
        const canvas = codec.encode({ input: applyArcAugmentation(g, a) });
        expect(canvas.length).toBe(N * N);
        expect(isWellFormedCanvas(canvas)).toBe(true);
        expect(toRows(invertArcAugmentation(cropArcCanvas(canvas), a))).toEqual(rows);
      }
    }
  });

  it('refuses every task that does not fit, naming the grid and its size', () => {
    for (const [name, t] of tooBig) {
      const pairs = [...t.train, ...t.test];
      const i = pairs.findIndex((p) => [p.input, p.output].some((g) => g.length > N || g[0]!.length > N));
      const grid = [pairs[i]!.input, pairs[i]!.output].find((g) => g.length > N || g[0]!.length > N)!;
      expect(() => parseArcGrid(grid, [name, i, 'grid'], N), name).toThrow(InvalidPuzzleError);
      expect(() => parseArcGrid(grid, [name, i, 'grid'], N)).toThrow(
        new RegExp(`${name.replace('.', '\\.')}\\.${i}\\.grid .*(${grid.length} rows|has ${grid[0]!.length}).*12×12 canvas`),
      );
    }
  });
});

describe('ARC canvas encoding (official np_grid_to_seq_translational_augment)', () => {
  it('places colour+2, EOS below and right of the grid, and leaves the corner PAD', () => {
    const canvas = encodeArcGrid(
      parseArcGrid([
        [0, 1],
        [2, 3],
      ]),
      3,
      4,
    );
    const at = (r: number, c: number) => canvas[r * ARC_SIZE + c];
    expect([at(3, 4), at(3, 5), at(4, 4), at(4, 5)]).toEqual([2, 3, 4, 5]);
    expect([at(5, 4), at(5, 5), at(3, 6), at(4, 6)]).toEqual([EOS, EOS, EOS, EOS]);
    expect(at(5, 6)).toBe(0);
    expect(canvas.filter((t) => t !== 0).length).toBe(8);
  });

  it('a full 30×30 grid has no EOS at all', () => {
    const canvas = encodeArcGrid(parseArcGrid(Array.from({ length: 30 }, () => Array(30).fill(7))));
    expect(canvas.every((t) => t === 9)).toBe(true);
    expect(cropArcCanvas(canvas).rows).toBe(30);
  });

  it('translation keeps the pair inside the canvas', () => {
    const rng = createRng(5);
    const [inp, out] = [parseArcGrid([[1, 2, 3]]), parseArcGrid(Array.from({ length: 29 }, () => [4]))];
    for (let i = 0; i < 200; i++) {
      const [r0, c0] = randomArcOffset(rng, inp, out);
      expect(r0).toBeLessThanOrEqual(1);
      expect(c0).toBeLessThanOrEqual(27);
      encodeArcGrid(inp, r0, c0);
      encodeArcGrid(out, r0, c0);
    }
  });

  it('translation on a small canvas keeps the pair inside it', () => {
    const rng = createRng(6);
    const [inp, out] = [parseArcGrid([[1, 2, 3]]), parseArcGrid([[4], [5], [6], [7]])];
    for (let i = 0; i < 200; i++) {
      const [r0, c0] = randomArcOffset(rng, inp, out, 5);
      expect(r0).toBeLessThanOrEqual(1);
      expect(c0).toBeLessThanOrEqual(2);
      expect(encodeArcGrid(out, r0, c0, 5)).toHaveLength(25);
    }
    expect(() => encodeArcGrid(out, 2, 0, 5)).toThrow(/4×1 grid does not fit the 5×5 canvas at \(2, 0\)/);
  });

  it('crops like the official evaluator: stops at the first non-colour cell, keeps the largest area', () => {
    const canvas = new Int32Array(900);
    // Row 0 has 3 colours, row 1 has 5 (capped at 3 by the row above), row 2 has 1: best area is 2×3.
    [0, 1, 2].forEach((c) => (canvas[c] = 5));
    [0, 1, 2, 3, 4].forEach((c) => (canvas[30 + c] = 6));
    canvas[60] = 7;
    expect(toRows(cropArcCanvas(canvas))).toEqual([
      [3, 3, 3],
      [4, 4, 4],
    ]);
    expect(isWellFormedCanvas(canvas)).toBe(false);
    expect(cropArcCanvas(new Int32Array(900)).rows).toBe(0); // (0,0) not a colour: empty grid
  });

  it('the well-formedness check rejects stray colours and missing EOS', () => {
    const canvas = encodeArcGrid(
      parseArcGrid([
        [1, 2],
        [3, 4],
      ]),
    );
    const stray = canvas.slice();
    stray[20 * 30 + 20] = 5;
    const noEos = canvas.slice();
    noEos[2 * 30] = 0;
    expect(isWellFormedCanvas(stray)).toBe(false);
    expect(isWellFormedCanvas(noEos)).toBe(false);
  });
});

describe('ARC identifiers and input errors', () => {
  it("matches TRM's combined Kaggle files (the official builder's input) task by task", () => {
    const read = (name: string) => JSON.parse(gunzipSync(readFileSync(join(DATA, 'trm-arc-combined', name))).toString('utf8'));
    const challenges = read('arc-agi_evaluation_challenges.json.gz') as Record<string, Task>;
    const solutions = read('arc-agi_evaluation_solutions.json.gz') as Record<string, number[][][]>;
    const folder = new Map(tasks('arc-agi-1/evaluation').map(([name, t]) => [name.replace('.json', ''), t]));
    for (const [id, task] of Object.entries(challenges)) {
      task.test.forEach((pair, i) => {
        const puzzle = arcCodec.parse({ input: pair.input, output: solutions[id]![i] });
        expect(arcCodec.verify(puzzle, parseArcGrid(folder.get(id)!.test[i]!.output))).toBe(true);
      });
    }
  });

  it('verifies against a known answer, and only the crop rule without one', () => {
    const puzzle = arcCodec.parse({ input: [[1]], output: [[2, 2]] });
    expect(arcCodec.verify(puzzle, parseArcGrid([[2, 2]]))).toBe(true);
    expect(arcCodec.verify(puzzle, parseArcGrid([[2]]))).toBe(false);
    const open = arcCodec.parse({ input: [[1]] });
    expect(arcCodec.verify(open, cropArcCanvas(encodeArcGrid(parseArcGrid([[3]]))))).toBe(true);
    expect(arcCodec.verify(open, cropArcCanvas(new Int32Array(900)))).toBe(false);
  });

  it.each([
    [[], /grid must be a non-empty array of rows/],
    [[[1, 2], [3]], /not rectangular: row 1 has 1 cells, row 0 has 2/],
    [[[1, 10]], /grid\[0\]\[1\] is 10, expected a colour 0-9/],
    [[[1, 1.5]], /grid\[0\]\[1\] is 1.5/],
    [Array.from({ length: 31 }, () => [1]), /31 rows, at most 30/],
    [[Array(31).fill(1)], /row 0 must have 1-30 cells/],
  ])('refuses grid %# with a precise message', (grid, message) => {
    expect(() => parseArcGrid(grid)).toThrow(InvalidPuzzleError);
    expect(() => parseArcGrid(grid)).toThrow(message);
  });

  it('refuses malformed augmented identifiers', () => {
    expect(parseArcName('007bbfb7').augmentation.k).toBe(0);
    expect(() => parseArcName('007bbfb7|||t9|||0123456789')).toThrow(/malformed augmented identifier/);
    expect(() => parseArcName('007bbfb7|||t1|||0123456788')).toThrow(/malformed/);
    expect(() => parseArcName('007bbfb7|||t1|||1023456789')).toThrow(/malformed/);
  });

  it('names the path of a bad cell inside a test pair', () => {
    try {
      arcCodec.parse({ input: [[0, 1]], output: [[0, -1]] });
      expect.unreachable();
    } catch (e) {
      expect((e as InvalidPuzzleError).path).toEqual(['output', 0, 1]);
    }
  });
});
