/**
 * `--data` specs of the train and eval CLIs, read from disk (Node):
 *
 *   sudoku-gen:<min>-<max>[:rating=<a>-<b>]   generated Sudokus with min..max givens
 *   sudoku:<dir>                              puzzles.txt[.gz] + solutions.txt[.gz] (uniform form, ../shared/data/sudoku/*)
 *   maze-gen:<size>[:min=<cells>]             generated size×size mazes (shortest path ≥ cells)
 *   official:<dir>                            a dataset written by the official builders (a split folder, or a root with train/ and test/)
 *   arc:<prefix>:subsets=a,b:test=<subset>[:aug=<n>][:canvas=<N>][:holdout=<n>]
 *                                             ARC built in memory by the official rule from Kaggle-format files
 *                                             <prefix>_<subset>_{challenges,solutions}.json[.gz] (e.g. ../shared/data/trm-arc-combined/arc-agi)
 *   <w>*<spec> + <w>*<spec>                   a weighted mixture (training only)
 *
 * Training sources shuffle and augment (Sudoku lists get the official shuffle); evaluation sets
 * are read in file order without augmentation.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { DataSource, Example } from '../../model/data/source.js';
import { sudokuGeneratorSource, sudokuListSource } from '../../model/data/sudoku-source.js';
import { mazeGeneratorSource, type MazeGeneratorOptions } from '../../model/data/maze-generator.js';
import type { SudokuGeneratorOptions } from '../../model/data/sudoku-generator.js';
import { mixSources } from '../../model/data/mixture.js';
import { officialSource, parseOfficialSplit, splitExamples, SPLIT_FILES, type OfficialSplit } from '../../model/data/official-dataset.js';
import { arcTaskFits, buildArcDataset, type ArcDataset, type ArcSubset, type ArcTask } from '../../model/data/arc-dataset.js';
import { parseSudoku, sudokuCodec } from '../../model/tasks/sudoku.js';
import { taskSymmetries, tokenChecker } from '../../model/tasks/index.js';
import { TrmError, type TaskName } from '../../model/index.js';

export interface DataShape {
  task: TaskName | 'other';
  seqLen: number;
  vocabSize: number;
  /** Rows the puzzle-embedding table needs (identifiers are < this). */
  identifiers: number;
}

/** The checker of answers to puzzles of this shape (`evaluate`'s `verify`), where the task has one. */
export const answerChecker = (shape: DataShape) => (shape.task === 'other' ? undefined : tokenChecker(shape.task, shape.seqLen));

/** The task's symmetries for test-time copies (`evaluate`'s `symmetries`), where it has them. */
export const answerSymmetries = (shape: DataShape) => (shape.task === 'other' ? undefined : taskSymmetries(shape.task, shape.seqLen));

const specError = (spec: string, why: string) => new TrmError('invalid_data', `--data ${JSON.stringify(spec)}: ${why}`);
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Runs `make`, naming the spec in its TrmErrors: a generator's bad options or a filter nothing passes, a bad ARC grid. */
function withSpec<T>(spec: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof TrmError) throw specError(spec, e.message);
    throw e;
  }
}

/** A file's bytes; a missing or unreadable file is a TrmError naming it. */
async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    throw new TrmError('invalid_data', `${path}: ${code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${message})`}`);
  }
}

const existsText = async (path: string) => (await exists(path)) || exists(`${path}.gz`);

/** The text of `path`, or else of `path.gz`, and which of the two it was. */
async function readText(path: string): Promise<{ file: string; text: string }> {
  for (const file of [path, `${path}.gz`]) {
    if (!(await exists(file))) continue;
    const raw = await readBytes(file);
    try {
      return { file, text: (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8') };
    } catch (e) {
      throw new TrmError('invalid_data', `${file}: not a valid gzip file (${(e as Error).message})`);
    }
  }
  throw new TrmError('invalid_data', `${path}[.gz]: not found`);
}

/** A JSON file of the shape `schema` describes (`what` it should be, for the message). */
async function readJson<T>(path: string, what: string, schema: z.ZodType<T>): Promise<T> {
  const { file, text } = await readText(path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new TrmError('invalid_data', `${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new TrmError('invalid_data', `${file}: not ${what} (${issue.path.length ? `at ${issue.path.join('.')}: ` : ''}${issue.message})`);
}

const cell = (i: number) => `row ${Math.floor(i / 9) + 1}, col ${(i % 9) + 1}`;

/** Sudoku puzzles and solutions of a folder in the uniform form (line i of each file). */
export async function readSudokuFolder(dir: string): Promise<{ puzzles: Uint8Array[]; solutions: Uint8Array[] }> {
  const read = async (name: string) => {
    const { file, text } = await readText(join(dir, name));
    const lines = text
      .split('\n')
      .map((t, i) => ({ t, line: i + 1 }))
      .filter(({ t }) => t.trim().length > 0);
    const grids = lines.map(({ t, line }) => {
      try {
        return parseSudoku(t).cells;
      } catch (e) {
        throw new TrmError('invalid_data', `${file} line ${line}: ${(e as Error).message}`);
      }
    });
    return { file, lines, grids };
  };
  const [p, s] = [await read('puzzles.txt'), await read('solutions.txt')];
  if (!p.grids.length) throw new TrmError('invalid_data', `${p.file}: holds no puzzles`);
  if (p.grids.length !== s.grids.length) throw new TrmError('invalid_data', `${dir}: ${p.grids.length} puzzles but ${s.grids.length} solutions`);
  // Scores are only as good as the labels: each solution must be complete and keep its puzzle's givens
  // (parseSudoku has checked that no digit repeats in a row, column or box).
  s.grids.forEach((solution, i) => {
    const puzzle = p.grids[i]!;
    const blank = solution.indexOf(0);
    const clash = solution.findIndex((v, k) => puzzle[k] !== 0 && puzzle[k] !== v);
    const why =
      blank >= 0
        ? `not a full solution (blank at ${cell(blank)})`
        : clash >= 0
          ? `has ${solution[clash]} at ${cell(clash)}, where its puzzle (${p.file} line ${p.lines[i]!.line}) gives ${puzzle[clash]}`
          : '';
    if (why) throw new TrmError('invalid_data', `${s.file} line ${s.lines[i]!.line}: ${why}`);
  });
  return { puzzles: p.grids, solutions: s.grids };
}

/** An official-format split: `dir` itself, or `dir/<split>`. */
export async function readOfficialSplit(dir: string, split = 'train'): Promise<OfficialSplit> {
  const folder = (await exists(join(dir, 'dataset.json'))) ? dir : join(dir, split);
  if (!(await exists(join(folder, 'dataset.json')))) throw new TrmError('invalid_data', `${dir}: no dataset.json (expected an official dataset split, or a folder with ${split}/)`);
  const files = Object.fromEntries(await Promise.all(SPLIT_FILES.map(async (f) => [f, new Uint8Array(await readBytes(join(folder, `all__${f}.npy`)))]))) as Record<
    (typeof SPLIT_FILES)[number],
    Uint8Array
  >;
  return parseOfficialSplit(folder, (await readBytes(join(folder, 'dataset.json'))).toString('utf8'), files);
}

const arcGrid = z.array(z.array(z.number())); // cells and sizes are checked by buildArcDataset (parseArcGrid)
const arcTasks = z.record(
  z.string(),
  z.object({ train: z.array(z.object({ input: arcGrid, output: arcGrid })), test: z.array(z.object({ input: arcGrid, output: arcGrid.optional() })) }),
);
const arcSolutions = z.record(z.string(), z.array(arcGrid));

/**
 * Builds ARC from Kaggle-format challenge/solution files (spec §6.4); test outputs missing → [[0]] as the official builder.
 * `canvas=N` (below the official 30) keeps the tasks whose every grid fits N×N.
 */
async function buildArcFromSpec(spec: string, prefix: string, opts: Record<string, string>): Promise<ArcDataset> {
  const canvas = Number(opts.canvas ?? 30);
  if (canvas < 1 || canvas > 30) throw specError(spec, `canvas=${canvas}: the canvas side must be from 1 to 30 (the official)`);
  const subsets = (opts.subsets ?? '').split(',').filter(Boolean);
  if (!subsets.length || !opts.test) throw specError(spec, 'arc needs subsets=<a,b,...> and test=<subset>');
  const loaded: ArcSubset[] = [];
  for (const name of subsets) {
    const challenges = await readJson(`${prefix}_${name}_challenges.json`, 'ARC challenges', arcTasks);
    const solutionsFile = `${prefix}_${name}_solutions.json`;
    const solutions = (await existsText(solutionsFile)) ? await readJson(solutionsFile, 'ARC solutions', arcSolutions) : null;
    const tasks: Record<string, ArcTask> = {};
    for (const [id, t] of Object.entries(challenges)) {
      const task = { train: t.train, test: t.test.map((p, i) => ({ input: p.input, output: p.output ?? solutions?.[id]?.[i] ?? [[0]] })) };
      if (canvas === 30 || arcTaskFits(task, canvas)) tasks[id] = task;
    }
    if (!Object.keys(tasks).length) throw specError(spec, `no task of ${name} fits the ${canvas}×${canvas} canvas`);
    loaded.push({ name, tasks });
  }
  if (opts.holdout !== undefined || opts.heldout !== undefined) return withSpec(spec, () => buildArcDataset(holdOut(spec, loaded, opts), buildOptions(opts, canvas)));
  return withSpec(spec, () => buildArcDataset(loaded, buildOptions(opts, canvas)));
}

const buildOptions = (opts: Record<string, string>, canvas: number) => ({ testSet: opts.test!, numAug: Number(opts.aug ?? 8), seed: Number(opts.seed ?? 42), canvas });

/**
 * Tasks kept away from training, for test-time fitting: the first n tasks of the test subset (that fit the canvas)
 * in id order. `holdout=n` removes them from every subset (the training set); `heldout=n` keeps only them (their evaluation set).
 */
function holdOut(spec: string, loaded: ArcSubset[], opts: Record<string, string>): ArcSubset[] {
  if (opts.holdout !== undefined && opts.heldout !== undefined) throw specError(spec, 'give holdout=<n> (train without them) or heldout=<n> (only them), not both');
  const text = opts.holdout ?? opts.heldout!;
  const n = Number(text);
  const test = loaded.find((s) => s.name === opts.test);
  if (!/^\d+$/.test(text) || n < 1) throw specError(spec, `holdout/heldout must be a whole number of tasks ≥ 1, got ${JSON.stringify(text)}`);
  if (!test) throw specError(spec, `test=${opts.test} is not among the subsets`);
  const ids = Object.keys(test.tasks).sort().slice(0, n);
  if (ids.length < n) throw specError(spec, `only ${ids.length} tasks of ${test.name} fit the canvas, fewer than the ${n} to hold out`);
  if (opts.heldout !== undefined) return [{ name: test.name, tasks: Object.fromEntries(ids.map((id) => [id, test.tasks[id]!])) }];
  const held = new Set(ids);
  return loaded.map(({ name, tasks }) => ({ name, tasks: Object.fromEntries(Object.entries(tasks).filter(([id]) => !held.has(id))) }));
}

const range = (text: string | undefined, spec: string, what: string): [number, number] => {
  const m = /^(\d+)-(\d+)$/.exec(text ?? '');
  if (!m) throw specError(spec, `${what} must be <min>-<max>, got ${JSON.stringify(text)}`);
  return [Number(m[1]), Number(m[2])];
};

const mazeSize = (text: string | undefined, spec: string): number => {
  if (!/^\d+$/.test(text ?? '')) throw specError(spec, `maze size must be a whole number, got ${JSON.stringify(text ?? '')}`);
  return Number(text);
};

/** `sudoku-gen:<min>-<max>[:rating=<a>-<b>]` as generator options (training and evaluation specs alike). */
const sudokuGenOptions = (arg: string | undefined, spec: string, opts: Record<string, string>): SudokuGeneratorOptions => {
  const givens = range(arg, spec, 'givens');
  return opts.rating ? { givens, rating: range(opts.rating, spec, 'rating') } : { givens };
};

/** `maze-gen:<size>[:min=<cells>]` as generator options. */
const mazeGenOptions = (size: number, opts: Record<string, string>): MazeGeneratorOptions => ({ size, ...(opts.min ? { minPathCells: Number(opts.min) } : {}) });

const WHOLE_NUMBERS = ['from', 'count', 'seed', 'min', 'aug', 'canvas'];

/**
 * The `name=value` parts after a spec's kind and argument; a name the kind does not take is an error, not ignored
 * (`allowed` undefined: an unknown kind, which the caller reports).
 */
function options(spec: string, parts: string[], allowed: readonly string[] | undefined): Record<string, string> {
  const opts: Record<string, string> = {};
  for (const part of parts) {
    const [name = '', value, ...extra] = part.split('=');
    if (value === undefined || extra.length || !name) throw specError(spec, `expected name=value, got ${JSON.stringify(part)}`);
    if (Object.hasOwn(opts, name)) throw specError(spec, `option ${JSON.stringify(name)} given twice`);
    if (allowed && !allowed.includes(name)) {
      throw specError(spec, `unknown option ${JSON.stringify(name)}${allowed.length ? ` (this kind takes ${allowed.join(', ')})` : ' (this kind takes none)'}`);
    }
    if (WHOLE_NUMBERS.includes(name) && !(/^\d+$/.test(value) && (name !== 'count' || Number(value) > 0))) {
      throw specError(spec, `${name} must be a whole number${name === 'count' ? ' ≥ 1' : ''}, got ${JSON.stringify(value)}`);
    }
    opts[name] = value;
  }
  return opts;
}

/** Options each kind takes, for training and for evaluation sets. */
const TRAIN_OPTIONS: Record<string, readonly string[]> = {
  'sudoku-gen': ['rating'],
  sudoku: [],
  'maze-gen': ['min'],
  official: [],
  arc: ['subsets', 'test', 'aug', 'seed', 'canvas', 'holdout'],
};
const EVAL_OPTIONS: Record<string, readonly string[]> = {
  'sudoku-gen': ['seed', 'count', 'rating'],
  sudoku: ['from', 'count'],
  'maze-gen': ['seed', 'count', 'min'],
  official: [],
  arc: ['subsets', 'test', 'aug', 'seed', 'canvas', 'holdout', 'heldout'],
};

/** Puzzle and solution grids as un-augmented examples. */
const sudokuExamples = (puzzles: Uint8Array[], solutions: Uint8Array[]): Example[] =>
  puzzles.map((p, i) => ({ tokens: sudokuCodec.encode({ rows: 9, cols: 9, cells: p }), labels: sudokuCodec.encode({ rows: 9, cols: 9, cells: solutions[i]! }), id: 0 }));

interface TrainingPart {
  source: DataSource;
  shape: DataShape;
  /** A stored part's (puzzle folder, official or ARC split) examples as stored, before augmentation, on demand. */
  stored?: () => Example[];
}

/** A training source for one spec (no mixture). */
async function openOne(spec: string, seed: number): Promise<TrainingPart> {
  const [kind = '', arg, ...rest] = spec.split(':');
  const opts = options(spec, rest, TRAIN_OPTIONS[kind]);
  switch (kind) {
    case 'sudoku-gen': {
      const source = withSpec(spec, () => sudokuGeneratorSource(seed, sudokuGenOptions(arg, spec, opts)));
      return { source, shape: { task: 'sudoku', seqLen: 81, vocabSize: 11, identifiers: 1 } };
    }
    case 'sudoku': {
      if (!arg) throw specError(spec, 'sudoku:<dir> needs a folder');
      const { puzzles, solutions } = await readSudokuFolder(arg);
      return {
        source: sudokuListSource(arg, puzzles, solutions, seed),
        shape: { task: 'sudoku', seqLen: 81, vocabSize: 11, identifiers: 1 },
        stored: () => sudokuExamples(puzzles, solutions),
      };
    }
    case 'maze-gen': {
      const size = mazeSize(arg, spec);
      const source = withSpec(spec, () => mazeGeneratorSource(seed, mazeGenOptions(size, opts)));
      return { source, shape: { task: 'maze', seqLen: size * size, vocabSize: 6, identifiers: 1 } };
    }
    case 'official': {
      if (!arg) throw specError(spec, 'official:<dir> needs a folder');
      const split = await readOfficialSplit(arg, 'train');
      const m = split.metadata;
      const task = m.vocab_size === 11 && m.seq_len === 81 ? 'sudoku' : m.vocab_size === 6 ? 'maze' : m.vocab_size === 12 && m.seq_len === 900 ? 'arc' : 'other';
      return {
        source: officialSource(split, seed),
        shape: { task, seqLen: m.seq_len, vocabSize: m.vocab_size, identifiers: m.num_puzzle_identifiers },
        stored: () => splitExamples(split),
      };
    }
    case 'arc': {
      const ds = await buildArcFromSpec(spec, arg ?? '', opts);
      return {
        source: officialSource(ds.train, seed),
        shape: { task: 'arc', seqLen: ds.train.metadata.seq_len, vocabSize: 12, identifiers: ds.identifiers.length },
        stored: () => splitExamples(ds.train),
      };
    }
    default:
      throw specError(spec, `unknown kind ${JSON.stringify(kind)} (sudoku-gen, sudoku, maze-gen, official, arc)`);
  }
}

/**
 * A training source: one spec, or a weighted mixture `w*spec + w*spec` of specs of the same shape (part i's
 * stream seeded with seed + 7919·i); `stored` lists its stored parts' examples as stored.
 */
export async function openTrainingData(spec: string, seed: number): Promise<{ source: DataSource; shape: DataShape; stored: (() => Example[])[] }> {
  const parts = spec
    .split('+')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) throw specError(spec, 'an empty spec: give a source (sudoku-gen, sudoku, maze-gen, official, arc) or a mixture w*spec + w*spec');
  const opened = await Promise.all(
    parts.map(async (part, i) => {
      const m = /^([^:*]+)\*(.+)$/.exec(part);
      const weight = m ? Number(m[1]) : 1;
      if (m && !(Number.isFinite(weight) && weight > 0)) throw specError(spec, `weight ${JSON.stringify(m[1]!.trim())} of ${JSON.stringify(part)} must be a positive number`);
      return { weight, ...(await openOne(m ? m[2]!.trim() : part, seed + 7919 * i)) };
    }),
  );
  const shape = opened[0]!.shape;
  for (const o of opened) {
    if (o.shape.seqLen !== shape.seqLen || o.shape.vocabSize !== shape.vocabSize) throw specError(spec, 'mixed sources must share seq_len and vocabulary');
  }
  return {
    source: mixSources(opened, seed),
    shape: { ...shape, identifiers: Math.max(...opened.map((o) => o.shape.identifiers)) },
    stored: opened.flatMap((o) => (o.stored ? [o.stored] : [])),
  };
}

/**
 * A fixed evaluation set, in order, without augmentation: `sudoku:<dir>[:from=<i>][:count=<n>]`, `official:<dir>` (its
 * test split), `arc:…`, or a generated held-out set `sudoku-gen:<min>-<max>:seed=<s>:count=<n>[:rating=<a>-<b>]` /
 * `maze-gen:<size>:seed=<s>:count=<n>` (use a seed the training run did not).
 */
export interface EvalSet {
  examples: Example[];
  shape: DataShape;
  description: string;
  /** ARC sets: what voting needs (identifier names and the un-augmented test tasks). */
  arc?: { identifiers: string[]; testPuzzles: Record<string, ArcTask> };
}

/** `w*spec + w*spec`: a leading weight, or a `+` before another spec. */
const isMixture = (spec: string) =>
  /^[^:*]+\*/.test(spec) ||
  spec
    .split('+')
    .slice(1)
    .some((p) =>
      Object.hasOwn(
        EVAL_OPTIONS,
        p
          .trim()
          .replace(/^[^:*]+\*/, '')
          .split(':')[0]!,
      ),
    );

export async function openEvalSet(spec: string, limit = Infinity): Promise<EvalSet> {
  if (isMixture(spec)) throw specError(spec, 'a weighted mixture is for training only; give each evaluation set its own --data');
  const [kind = '', arg, ...rest] = spec.split(':');
  const opts = options(spec, rest, EVAL_OPTIONS[kind]);
  switch (kind) {
    case 'sudoku': {
      if (!arg) throw specError(spec, 'sudoku:<dir> needs a folder');
      const { puzzles, solutions } = await readSudokuFolder(arg);
      const from = Number(opts.from ?? 0);
      const n = Math.min(limit, Number(opts.count ?? Infinity), puzzles.length - from);
      if (!(Number.isInteger(from) && from >= 0 && n > 0)) throw specError(spec, `from=${opts.from} leaves no puzzle of ${puzzles.length}`);
      const examples = sudokuExamples(puzzles.slice(from, from + n), solutions.slice(from, from + n));
      const name = arg.replace(/\/+$/, '').split('/').pop();
      return { examples, shape: { task: 'sudoku', seqLen: 81, vocabSize: 11, identifiers: 1 }, description: `${name} #${from}-${from + n - 1} (${n} of ${puzzles.length})` };
    }
    case 'official': {
      if (!arg) throw specError(spec, 'official:<dir> needs a folder');
      const split = await readOfficialSplit(arg, 'test');
      const all = splitExamples(split);
      const m = split.metadata;
      const task = m.vocab_size === 11 && m.seq_len === 81 ? 'sudoku' : m.vocab_size === 6 ? 'maze' : m.vocab_size === 12 && m.seq_len === 900 ? 'arc' : 'other';
      const n = Math.min(limit, all.length);
      const arc =
        task === 'arc' && (await exists(join(arg, 'test_puzzles.json')))
          ? {
              identifiers: await readJson(join(arg, 'identifiers.json'), 'a list of identifiers', z.array(z.string())),
              testPuzzles: await readJson(join(arg, 'test_puzzles.json'), 'ARC tasks', arcTasks),
            }
          : undefined;
      return {
        examples: all.slice(0, n),
        shape: { task, seqLen: m.seq_len, vocabSize: m.vocab_size, identifiers: m.num_puzzle_identifiers },
        description: `${split.name} (first ${n} of ${all.length})`,
        ...(arc ? { arc } : {}),
      };
    }
    case 'sudoku-gen': {
      const seed = Number(opts.seed ?? 0);
      if (!(seed > 0)) throw specError(spec, 'a generated evaluation set needs seed=<n> (not the training seed)');
      const count = Math.min(limit, Number(opts.count ?? 1000));
      const generator = sudokuGenOptions(arg, spec, opts);
      const examples = withSpec(spec, () => sudokuGeneratorSource(seed, generator).next(count));
      const rated = generator.rating ? `, rating ${generator.rating.join('-')} guesses` : '';
      return { examples, shape: { task: 'sudoku', seqLen: 81, vocabSize: 11, identifiers: 1 }, description: `generated Sudoku (${arg} givens${rated}, seed ${seed}, ${count})` };
    }
    case 'maze-gen': {
      const size = mazeSize(arg, spec);
      const seed = Number(opts.seed ?? 0);
      const count = Math.min(limit, Number(opts.count ?? 1000));
      if (!(seed > 0)) throw specError(spec, 'a generated evaluation set needs seed=<n> (not the training seed)');
      const examples = withSpec(spec, () => mazeGeneratorSource(seed, mazeGenOptions(size, opts)).next(count));
      return { examples, shape: { task: 'maze', seqLen: size * size, vocabSize: 6, identifiers: 1 }, description: `generated ${size}×${size} mazes (seed ${seed}, ${count})` };
    }
    case 'arc': {
      const ds = await buildArcFromSpec(spec, arg ?? '', opts);
      const all = splitExamples(ds.test);
      const n = Math.min(limit, all.length);
      return {
        examples: all.slice(0, n),
        shape: { task: 'arc', seqLen: ds.test.metadata.seq_len, vocabSize: 12, identifiers: ds.identifiers.length },
        description: `ARC ${opts.test} test split (${n} of ${all.length} rows, ${opts.aug ?? 8} augmentations${opts.canvas ? `, ${Object.keys(ds.testPuzzles).length} tasks that fit ${opts.canvas}×${opts.canvas}` : ''}${opts.heldout ? `, the ${opts.heldout} held out` : opts.holdout ? `, without the ${opts.holdout} held out` : ''})`,
        arc: { identifiers: ds.identifiers, testPuzzles: ds.testPuzzles },
      };
    }
    default:
      throw specError(spec, `unknown evaluation set kind ${JSON.stringify(kind)} (sudoku, sudoku-gen, official, maze-gen, arc)`);
  }
}
