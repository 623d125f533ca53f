/**
 * The official ARC dataset builder (dataset/build_arc_dataset.py, spec §6.4), in memory:
 * - split rule: every demonstration pair goes to train; test pairs go to test only for the test
 *   subset (e.g. "evaluation"), otherwise to train;
 * - each task gets its original plus up to `numAug` distinct augmentations (colour map with black
 *   fixed, then a dihedral transform), named `<task>|||t<k>|||<map>`, duplicates rejected by a
 *   hash of the task's grids within 5·numAug attempts;
 * - identifiers 1..N in build order (0 = blank); translation on the train split only, one example
 *   per puzzle kept at (0, 0).
 * The official default is numAug = 1000 (≈3.6M training examples); choose what fits in memory.
 */
import { TrmError } from '../errors.js';
import { createRng, type Rng } from '../rng.js';
import { applyArcAugmentation, arcAugmentedName, ARC_SIZE, encodeArcGrid, parseArcGrid, randomArcAugmentation, randomArcOffset, type ArcGrid } from '../tasks/arc.js';
import type { DatasetMetadata, OfficialSplit } from './official-dataset.js';

export interface ArcPair {
  input: number[][];
  output: number[][];
}

export interface ArcTask {
  train: ArcPair[];
  /** Test pairs; `output` is absent when the answer is unknown (then only voting, no scoring). */
  test: (Omit<ArcPair, 'output'> & { output?: number[][] })[];
}

export interface ArcSubset {
  name: string;
  tasks: Record<string, ArcTask>;
}

export interface ArcBuildOptions {
  /** Subset whose test pairs form the test split (official: "evaluation" or "evaluation2"). */
  testSet: string;
  numAug: number;
  seed?: number;
  /** Canvas side N (default 30, the official): every grid of every task must fit N×N (`arcTaskFits`); seq_len N². */
  canvas?: number;
}

export interface ArcDataset {
  /** identifiers[i] is the name of row i of the puzzle-embedding table; [0] = "<blank>". */
  identifiers: string[];
  train: OfficialSplit;
  test: OfficialSplit;
  /** The test subset's tasks, un-augmented (official test_puzzles.json), for voting. */
  testPuzzles: Record<string, ArcTask>;
}

interface Puzzle {
  name: string;
  examples: [ArcGrid, ArcGrid][];
}

const key = (g: ArcGrid) => `${g.rows}x${g.cols}:${g.cells.join('')}`;
/** Injective key of a task's grids by split, order-free (the official puzzle_hash sorts pair hashes). */
const taskKey = (p: Record<string, Puzzle>) =>
  Object.entries(p)
    .map(
      ([split, puzzle]) =>
        `${split}=${puzzle.examples
          .map(([i, o]) => `${key(i)}|${key(o)}`)
          .sort()
          .join(';')}`,
    )
    .sort()
    .join('#');

/** Whether every grid of `task` (demonstrations, test inputs and known test outputs) fits a canvas×canvas canvas. */
export function arcTaskFits(task: ArcTask, canvas: number): boolean {
  const fits = (g: number[][] | undefined) => !g || (g.length <= canvas && (g[0]?.length ?? 0) <= canvas);
  return [...task.train, ...task.test].every((p) => fits(p.input) && fits(p.output));
}

export function buildArcDataset(subsets: readonly ArcSubset[], options: ArcBuildOptions): ArcDataset {
  const rng = createRng(options.seed ?? 42);
  const canvas = options.canvas ?? ARC_SIZE;
  if (!(Number.isInteger(canvas) && canvas >= 1 && canvas <= ARC_SIZE))
    throw new TrmError('invalid_data', `arc: the canvas must be a whole number of cells from 1 to ${ARC_SIZE}, got ${canvas}`);
  const groups: Record<'train' | 'test', Puzzle[][]> = { train: [], test: [] };
  const testPuzzles: Record<string, ArcTask> = {};
  if (!subsets.some((s) => s.name === options.testSet)) {
    throw new TrmError('invalid_data', `arc: test set ${JSON.stringify(options.testSet)} is not among the subsets (${subsets.map((s) => s.name).join(', ')})`);
  }

  for (const subset of subsets) {
    const toTest = subset.name === options.testSet;
    for (const name of rng.shuffle(Object.keys(subset.tasks).sort())) {
      const task = subset.tasks[name]!;
      if (toTest) testPuzzles[name] = task;
      const parse = (pairs: ArcPair[], where: string) =>
        pairs.map((p, i) => [parseArcGrid(p.input, [name, where, i, 'input'], canvas), parseArcGrid(p.output, [name, where, i, 'output'], canvas)] as [ArcGrid, ArcGrid]);
      const original: Record<string, Puzzle> = { train: { name, examples: parse(task.train, 'train') } };
      const testExamples = parse(
        task.test.map((p) => ({ input: p.input, output: p.output ?? [[0]] })),
        'test',
      ); // official: a dummy output when unknown
      if (toTest) original.test = { name, examples: testExamples };
      else original.train!.examples.push(...testExamples);

      const versions = [original];
      const seen = new Set([taskKey(original)]);
      for (let attempt = 0; attempt < 5 * options.numAug && versions.length < options.numAug + 1; attempt++) {
        const aug = randomArcAugmentation(rng);
        const augName = arcAugmentedName(name, aug);
        const version = Object.fromEntries(
          Object.entries(original).map(([split, p]) => [
            split,
            { name: augName, examples: p.examples.map(([i, o]) => [applyArcAugmentation(i, aug), applyArcAugmentation(o, aug)] as [ArcGrid, ArcGrid]) },
          ]),
        );
        const k = taskKey(version);
        if (!seen.has(k)) seen.add(k), versions.push(version);
      }
      for (const split of ['train', 'test'] as const) if (original[split]) groups[split].push(versions.map((v) => v[split]!));
    }
  }

  const identifiers = ['<blank>'];
  const idOf = new Map<string, number>();
  for (const split of ['train', 'test'] as const) {
    for (const group of groups[split]) for (const p of group) if (!idOf.has(p.name)) idOf.set(p.name, identifiers.push(p.name) - 1);
  }
  const split = (name: 'train' | 'test') => toSplit(name, groups[name], idOf, identifiers.length, name === 'train' ? rng : null, canvas);
  return { identifiers, train: split('train'), test: split('test'), testPuzzles };
}

function toSplit(name: string, groups: Puzzle[][], idOf: Map<string, number>, numIds: number, translate: Rng | null, canvas: number): OfficialSplit {
  const S = canvas * canvas;
  const puzzles = groups.flat();
  const examples = puzzles.reduce((n, p) => n + p.examples.length, 0);
  const inputs = new Int32Array(examples * S);
  const labels = new Int32Array(examples * S);
  const puzzleIndices = new Int32Array(puzzles.length + 1);
  const puzzleIdentifiers = new Int32Array(puzzles.length);
  let e = 0;
  puzzles.forEach((p, i) => {
    const fixed = translate ? translate.int(0, p.examples.length) : -1;
    p.examples.forEach(([input, output], j) => {
      const [r0, c0] = translate && j !== fixed ? randomArcOffset(translate, input, output, canvas) : [0, 0];
      inputs.set(encodeArcGrid(input, r0, c0, canvas), e * S);
      // Labels: the output canvas; PAD cells are ignored (−100 after the official collate).
      labels.set(
        encodeArcGrid(output, r0, c0, canvas).map((t) => (t === 0 ? -100 : t)),
        e * S,
      );
      e++;
    });
    puzzleIndices[i + 1] = e;
    puzzleIdentifiers[i] = idOf.get(p.name)!;
  });
  let g = 0;
  const groupIndices = Int32Array.from([0, ...groups.map((group) => (g += group.length))]);
  const metadata: DatasetMetadata = {
    pad_id: 0,
    ignore_label_id: 0,
    blank_identifier_id: 0,
    vocab_size: 12,
    seq_len: S,
    num_puzzle_identifiers: numIds,
    total_groups: groups.length,
    mean_puzzle_examples: examples / Math.max(puzzles.length, 1),
    total_puzzles: puzzles.length,
    sets: ['all'],
  };
  return { name: `arc/${name}`, metadata, inputs, labels, puzzleIdentifiers, puzzleIndices, groupIndices };
}
