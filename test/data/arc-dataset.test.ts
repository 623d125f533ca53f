import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { arcTaskFits, buildArcDataset, type ArcSubset, type ArcTask } from '../../model/data/arc-dataset.js';
import { createArcVoter } from '../../model/arc-voting.js';
import { cropArcCanvas, parseArcName, toRows } from '../../model/tasks/index.js';
import { DATA } from '../helpers/paths.js';

function subset(name: string): ArcSubset {
  const read = (kind: string) => JSON.parse(gunzipSync(readFileSync(join(DATA, `trm-arc-combined/arc-agi_${name}_${kind}.json.gz`))).toString('utf8'));
  const challenges = read('challenges') as Record<string, { train: ArcTask['train']; test: { input: number[][] }[] }>;
  const solutions = read('solutions') as Record<string, number[][][]>;
  const tasks: Record<string, ArcTask> = {};
  for (const [id, t] of Object.entries(challenges)) tasks[id] = { train: t.train, test: t.test.map((p, i) => ({ input: p.input, output: solutions[id]![i]! })) };
  return { name, tasks };
}

describe('the official ARC builder (ARC-1 preset: training + evaluation + concept, tested on evaluation)', () => {
  const subsets = ['training', 'evaluation', 'concept'].map(subset);
  const ds = buildArcDataset(subsets, { testSet: 'evaluation', numAug: 2, seed: 42 });
  const demos = (s: ArcSubset) => Object.values(s.tasks).reduce((n, t) => n + t.train.length, 0);
  const tests = (s: ArcSubset) => Object.values(s.tasks).reduce((n, t) => n + t.test.length, 0);
  const [training, evaluation, concept] = subsets as [ArcSubset, ArcSubset, ArcSubset];

  it("puts every demonstration in train and only the evaluation tasks' test pairs in test", () => {
    expect([demos(training), tests(training), demos(evaluation), tests(evaluation), demos(concept), tests(concept)]).toEqual([1302, 416, 1363, 419, 427, 480]);
    const testTasks = new Set([...ds.test.puzzleIdentifiers].map((id) => parseArcName(ds.identifiers[id]!).task));
    expect(testTasks).toEqual(new Set(Object.keys(evaluation.tasks)));
    expect(Object.keys(ds.testPuzzles).sort()).toEqual(Object.keys(evaluation.tasks).sort());
    // Original + up to 2 augmentations per task: test rows = 419 inputs × versions (few-colour tasks may get fewer).
    const testRows = ds.test.puzzleIndices[ds.test.puzzleIndices.length - 1]!;
    expect(testRows).toBeGreaterThan(419 * 2.5);
    expect(testRows).toBeLessThanOrEqual(419 * 3);
    const trainRows = ds.train.puzzleIndices[ds.train.puzzleIndices.length - 1]!;
    expect(trainRows).toBeGreaterThan((1302 + 416 + 1363 + 427 + 480) * 2.5);
  });

  it('numbers identifiers from 1, blank at 0, originals bare and versions distinct', () => {
    expect(ds.identifiers[0]).toBe('<blank>');
    expect(new Set(ds.identifiers).size).toBe(ds.identifiers.length);
    expect(ds.train.metadata.num_puzzle_identifiers).toBe(ds.identifiers.length);
    const bare = ds.identifiers.slice(1).filter((n) => !n.includes('|||'));
    expect(bare.length).toBe(960);
    for (const name of ds.identifiers.slice(1)) expect(parseArcName(name).task).not.toContain('|');
  });

  it('translates train examples, keeps one per puzzle at (0,0), never translates test', () => {
    const S = 900;
    const atOrigin = (inputs: Int32Array, e: number) => inputs[e * S]! >= 2; // a colour at the top-left cell
    for (let p = 0; p < ds.train.puzzleIdentifiers.length; p++) {
      const range = [ds.train.puzzleIndices[p]!, ds.train.puzzleIndices[p + 1]!];
      let origin = 0;
      for (let e = range[0]!; e < range[1]!; e++) origin += atOrigin(ds.train.inputs, e) ? 1 : 0;
      expect(origin).toBeGreaterThanOrEqual(1);
    }
    for (let e = 0; e < ds.test.puzzleIndices[ds.test.puzzleIndices.length - 1]!; e++) expect(atOrigin(ds.test.inputs, e)).toBe(true);
  });

  it('votes: a perfect model scores pass@1 = 1; predicting the input instead scores about 0', () => {
    const S = 900;
    const perfect = createArcVoter(ds.identifiers, ds.testPuzzles);
    const copy = createArcVoter(ds.identifiers, ds.testPuzzles);
    for (let p = 0; p < ds.test.puzzleIdentifiers.length; p++) {
      for (let e = ds.test.puzzleIndices[p]!; e < ds.test.puzzleIndices[p + 1]!; e++) {
        const input = ds.test.inputs.subarray(e * S, (e + 1) * S);
        const label = Int32Array.from(ds.test.labels.subarray(e * S, (e + 1) * S), (t) => (t === -100 ? 0 : t));
        perfect.record(ds.test.puzzleIdentifiers[p]!, input, label, 1);
        copy.record(ds.test.puzzleIdentifiers[p]!, input, input, -1);
      }
    }
    const r = perfect.result([1, 2]);
    expect(r.passAt[1]).toBe(1);
    expect(r.missing).toBe(0);
    expect(Object.keys(r.submission)).toHaveLength(400);
    expect(copy.result([1]).passAt[1]).toBeLessThan(0.02);
  });
});

describe('the ARC builder on a 10×10 canvas (the ARC-1 tasks whose every grid fits)', () => {
  const N = 10;
  const fitting = (s: ArcSubset): ArcSubset => ({ name: s.name, tasks: Object.fromEntries(Object.entries(s.tasks).filter(([, t]) => arcTaskFits(t, N))) });
  const subsets = ['training', 'evaluation'].map(subset);
  const small = subsets.map(fitting);
  const ds = buildArcDataset(small, { testSet: 'evaluation', numAug: 2, seed: 42, canvas: N });

  it('builds N² canvases for the tasks that fit, translation inside the canvas, and votes them back', () => {
    const S = N * N;
    expect(Object.keys(small[1]!.tasks).length).toBeGreaterThan(20);
    expect([ds.train.metadata.seq_len, ds.test.metadata.seq_len]).toEqual([S, S]);
    expect(ds.train.inputs.length).toBe((ds.train.puzzleIndices.at(-1) ?? 0) * S);
    const perfect = createArcVoter(ds.identifiers, ds.testPuzzles);
    for (let p = 0; p < ds.test.puzzleIdentifiers.length; p++) {
      for (let e = ds.test.puzzleIndices[p]!; e < ds.test.puzzleIndices[p + 1]!; e++) {
        const label = Int32Array.from(ds.test.labels.subarray(e * S, (e + 1) * S), (t) => (t === -100 ? 0 : t));
        perfect.record(ds.test.puzzleIdentifiers[p]!, ds.test.inputs.subarray(e * S, (e + 1) * S), label, 1);
      }
    }
    const r = perfect.result([1]);
    expect(r.passAt[1]).toBe(1);
    expect(r.missing).toBe(0);
  });

  it('refuses a task that does not fit, naming the grid and its size; the official canvas stays the default', () => {
    const big = Object.entries(subsets[0]!.tasks).find(([, t]) => !arcTaskFits(t, N))!;
    expect(() => buildArcDataset([{ name: 'training', tasks: Object.fromEntries([big]) }], { testSet: 'training', numAug: 0, canvas: N })).toThrow(
      new RegExp(`arc: ${big[0]}\\.(train|test)\\.\\d+\\.(input|output) .*(at most |must have 1-)${N}.*10×10 canvas`),
    );
    expect(() => buildArcDataset(small, { testSet: 'evaluation', numAug: 0, canvas: 31 })).toThrow(/canvas must be a whole number of cells from 1 to 30, got 31/);
    const explicit = buildArcDataset(small, { testSet: 'evaluation', numAug: 0, seed: 7, canvas: 30 });
    const implicit = buildArcDataset(small, { testSet: 'evaluation', numAug: 0, seed: 7 });
    expect(explicit.train.inputs).toEqual(implicit.train.inputs);
    expect(explicit.train.metadata.seq_len).toBe(900);
  });
});

describe('ARC voting order', () => {
  const task = { train: [], test: [{ input: [[1]], output: [[2]] }] };
  const canvas = (v: number) => Int32Array.from({ length: 900 }, (_, i) => (i === 0 ? v + 2 : i === 1 || i === 30 ? 1 : 0));

  it('ranks by votes, then mean q; pass@2 counts the runner-up', () => {
    const voter = createArcVoter(['<blank>', 't'], { t: task });
    voter.record(1, canvas(1), canvas(3), 5);
    voter.record(1, canvas(1), canvas(3), 5);
    voter.record(1, canvas(1), canvas(2), 9);
    const r = voter.result([1, 2]);
    expect(r.passAt).toEqual({ 1: 0, 2: 1 });
    expect(r.submission.t).toMatchObject([{ attempt_1: [[3]], attempt_2: [[2]], votes: 2 }]);
    expect(r.submission.t![0]!.confidence).toBeCloseTo(1 / (1 + Math.exp(-5)), 12);
    expect(toRows(cropArcCanvas(canvas(3)))).toEqual([[3]]);
  });

  it('ignores blank padding rows and counts inputs without predictions as wrong', () => {
    const voter = createArcVoter(['<blank>', 't'], { t: task });
    voter.record(0, canvas(1), canvas(2), 9);
    expect(voter.result([1]).missing).toBe(1);
  });
});
