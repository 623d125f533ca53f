/**
 * The surfaces that read outside data, each with the real files it is fuzzed from and the full
 * load a user's file goes through (a checkpoint's every tensor read; a package's every check and
 * tensor), plus structure-aware mutants that byte edits rarely reach (a pickle with another
 * opcode, a safetensors header with another shape, a manifest with another dtype). A mutant is a
 * recipe (JSON) and the bytes it builds from the seeds, so a failure is kept as its recipe.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { unzipSync, zipSync } from 'fflate';
import { stringify as toYaml } from 'yaml';
import { parseArcTaskInput } from '../../../model/arc-solver.js';
import { MODELS } from '../../../model/catalog.js';
import { bytesSource, readCheckpoint } from '../../../model/checkpoint/index.js';
import { numel } from '../../../model/checkpoint/dtype.js';
import { validateConfig } from '../../../model/config.js';
import { parseNpy } from '../../../model/data/npy.js';
import { officialSource, parseOfficialSplit, SPLIT_FILES, splitExamples } from '../../../model/data/official-dataset.js';
import { InvalidPuzzleError } from '../../../model/errors.js';
import { containerHandler, joinContainer, loadPackage } from '../../../model/pack/index.js';
import { readConfigFile } from '../../../model/runtime/node-files.js';
import { openTrainingData } from '../data-spec.js';
import { applyMutations, byteRecipes, concat, type FieldEdit, type Recipe } from './mutate.js';

export interface Surface {
  name: string;
  what: string;
  /** Reads the seed files once: what mutants are drawn from, and how a recipe becomes bytes. */
  prepare(): Promise<{ recipes: fc.Arbitrary<Recipe>; build(recipe: Recipe): Uint8Array }>;
  /** Reads a file the way a user's would be read, to the last tensor; resolves with what it loaded. */
  load(bytes: Uint8Array): Promise<string>;
}

const ROOT = join(import.meta.dirname, '../../..');
const SHARED = join(ROOT, '../shared');
const FIXTURES = join(SHARED, 'fixtures/trm-reference');
const read = (path: string): Promise<Uint8Array> => readFile(path).then((b) => new Uint8Array(b));
const files = (paths: string[]) => Promise.all(paths.map(read));
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A checkpoint, read to its last tensor (values are not compared: a mutant's weights may differ, their count may not). */
async function loadCheckpointBytes(bytes: Uint8Array): Promise<string> {
  const { format, tensors } = await readCheckpoint(bytesSource(bytes, 'mutant'));
  for (const t of tensors) {
    const values = await t.read();
    if (values.length !== numel(t.shape)) throw new Error(`${t.name}: ${values.length} values for shape ${JSON.stringify(t.shape)}`);
  }
  return `${format}, ${tensors.length} tensors`;
}

/** A package through the single-file IOHandler, every check and tensor included; its tensors are freed. */
async function loadPackageBytes(bytes: Uint8Array): Promise<string> {
  const pkg = await loadPackage(containerHandler(bytes, 'mutant.trm'), 'mutant');
  pkg.dispose();
  return `package ${pkg.metadata.task}`;
}

const container = (modelJson: Uint8Array, shard: Uint8Array) => joinContainer(modelJson, [shard]);

/** A random JSON value to put where a field was (wrong types, negatives, huge numbers). */
const jsonJunk = fc.oneof(
  fc.integer(),
  fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, 1e300, 0.5),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.array(fc.integer({ min: -2, max: 100_000 }), { maxLength: 5 }),
  fc.constantFrom([], {}, [[1]], 'F32', 'I64', 'float32', 'int8', [2 ** 40, 2 ** 40]),
);
const fieldEdits: fc.Arbitrary<FieldEdit[]> = fc.array(fc.record({ pick: fc.nat(), value: jsonJunk }), { minLength: 1, maxLength: 3 });

/** Sets fields of a JSON tree to junk. */
function editFields(root: unknown, edits: readonly FieldEdit[]): unknown {
  for (const { pick = 0, path, value } of edits) {
    if (path) {
      const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root) as Record<string | number, unknown>;
      parent[path.at(-1)!] = structuredClone(value);
      continue;
    }
    const slots: [Record<string | number, unknown>, string | number][] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach((x, i) => (slots.push([v as unknown as Record<number, unknown>, i]), walk(x)));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) slots.push([v as Record<string, unknown>, k]), walk(x);
    };
    walk(root);
    if (slots.length) {
      const [parent, key] = slots[pick % slots.length]!;
      parent[key] = structuredClone(value); // junk constants are shared between mutants: never edit them in place (nor build cycles)
    }
  }
  return root;
}

/** Byte recipes of a set of files. */
const bytesOf = (seeds: Uint8Array[]) => ({ recipes: byteRecipes(seeds.length), build: (r: Recipe) => applyMutations(seeds[r.seed]!, r.mutations ?? [], seeds) });

/** JSON text files: byte edits of the text, or fields set to junk. */
function jsonOf(seeds: Uint8Array[]) {
  const fields = fc.record({ seed: fc.nat({ max: seeds.length - 1 }), edits: fieldEdits });
  return {
    recipes: fc.oneof(byteRecipes(seeds.length), fields),
    build: (r: Recipe) => (r.edits ? utf8(JSON.stringify(editFields(JSON.parse(text(seeds[r.seed]!)), r.edits))) : applyMutations(seeds[r.seed]!, r.mutations ?? [], seeds)),
  };
}

const DATASETS = ['fixtures/official-dataset-tiny/test', 'fixtures/official-dataset-tiny/train', 'data/maze-30x30-hard-1k/hrm-processed/test'].map((d) => join(SHARED, d));
const DATASET_PARTS = ['dataset.json', ...SPLIT_FILES.map((f) => `all__${f}.npy`)];

/** Several files as one buffer (part lengths, then the parts), so a mutant is one byte array. */
function packParts(parts: Uint8Array[]): Uint8Array {
  const head = new Uint8Array(4 * parts.length);
  parts.forEach((p, i) => new DataView(head.buffer).setUint32(4 * i, p.length, true));
  return concat(head, ...parts);
}
function unpackParts(bytes: Uint8Array, count: number): Uint8Array[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 4 * count;
  return Array.from({ length: count }, (_, i) => bytes.subarray(at, (at += dv.getUint32(4 * i, true))));
}

const CHECKPOINTS = ['sudoku-mlp-small', 'grid-att-small'].map((f) => join(FIXTURES, f, 'step_0'));
const PICKLE_OPCODES = [
  0x80, 0x95, 0x7d, 0x5d, 0x29, 0x28, 0x58, 0x8c, 0x8d, 0x55, 0x54, 0x43, 0x42, 0x71, 0x72, 0x94, 0x68, 0x6a, 0x63, 0x93, 0x4a, 0x4b, 0x4d, 0x8a, 0x8b, 0x47, 0x4e, 0x88, 0x89,
  0x74, 0x85, 0x86, 0x87, 0x6c, 0x64, 0x61, 0x65, 0x73, 0x75, 0x52, 0x62, 0x51, 0x2e, 0x69, 0x49,
];
const packageFiles = () =>
  Promise.all(
    MODELS.map(async (m) => ({
      json: await read(join(ROOT, 'model/weights', m.path, 'model.json')),
      shard: await read(join(ROOT, 'model/weights', m.path, 'group1-shard1of1.bin')),
    })),
  );

export const SURFACES: Surface[] = [
  {
    name: 'torch-zip',
    what: 'official PyTorch checkpoints (zip, restricted unpickler, storages)',
    prepare: async () => bytesOf(await files(CHECKPOINTS)),
    load: loadCheckpointBytes,
  },
  {
    name: 'pickle',
    what: 'the data.pkl inside a valid checkpoint zip: byte edits and swapped opcodes',
    async prepare() {
      const zips = (await files(CHECKPOINTS)).map((z) => unzipSync(z));
      const pickleOf = (z: Record<string, Uint8Array>) => Object.keys(z).find((k) => k.endsWith('/data.pkl'))!;
      const pickles = zips.map((z) => z[pickleOf(z)]!);
      const swaps = fc.record({
        seed: fc.nat({ max: zips.length - 1 }),
        swaps: fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom(...PICKLE_OPCODES) }), { minLength: 1, maxLength: 3 }),
      });
      return {
        recipes: fc.oneof(byteRecipes(zips.length), swaps),
        build(r) {
          const pkl = applyMutations(pickles[r.seed]!, r.mutations ?? [], pickles);
          for (const s of r.swaps ?? []) pkl[s.at % pkl.length] = s.op;
          const z = zips[r.seed]!;
          return zipSync(Object.fromEntries(Object.entries(z).map(([k, v]) => [k, [k === pickleOf(z) ? pkl : v, { level: 0 }]])));
        },
      };
    },
    load: loadCheckpointBytes,
  },
  {
    name: 'safetensors',
    what: 'safetensors checkpoints: byte edits, header fields set to junk, a wrong header length',
    async prepare() {
      const seeds = await files(CHECKPOINTS.map((c) => `${c}.safetensors`));
      const fields = fc.record({
        seed: fc.nat({ max: seeds.length - 1 }),
        edits: fieldEdits,
        lengthDelta: fc.oneof(fc.constant(0), fc.integer({ min: -64, max: 64 }), fc.constant(2 ** 40)),
      });
      return {
        recipes: fc.oneof(byteRecipes(seeds.length), fields),
        build(r) {
          if (!r.edits) return applyMutations(seeds[r.seed]!, r.mutations ?? [], seeds);
          const b = seeds[r.seed]!;
          const n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
          const header = utf8(JSON.stringify(editFields(JSON.parse(text(b.subarray(8, 8 + n))), r.edits)));
          const length = new Uint8Array(8);
          new DataView(length.buffer).setBigUint64(0, BigInt(Math.max(0, header.length + (r.lengthDelta ?? 0))), true);
          return concat(length, header, b.subarray(8 + n));
        },
      };
    },
    load: loadCheckpointBytes,
  },
  {
    name: 'package',
    what: "model packages (model.json + shard): model.json's fields set to junk, its text edited, the shard edited",
    async prepare() {
      const parts = await packageFiles();
      const json = jsonOf(parts.map((p) => p.json));
      const shard = bytesOf(parts.map((p) => p.shard));
      return {
        // part 0: model.json (fields or text), part 1: the shard
        recipes: fc.oneof(
          json.recipes.map((r) => ({ ...r, part: 0 })),
          shard.recipes.map((r) => ({ ...r, part: 1 })),
        ),
        build: (r) => (r.part === 1 ? container(parts[r.seed]!.json, shard.build(r)) : container(json.build(r), parts[r.seed]!.shard)),
      };
    },
    load: loadPackageBytes,
  },
  {
    name: 'trm',
    what: 'single-file packages (.trm): byte edits of the whole file',
    prepare: async () => bytesOf((await packageFiles()).map((p) => container(p.json, p.shard))),
    load: loadPackageBytes,
  },
  {
    name: 'npy',
    what: ".npy arrays of the official datasets (the Maze-Hard builder's output)",
    prepare: async () => bytesOf(await files(['puzzle_indices', 'group_indices', 'puzzle_identifiers'].map((f) => join(DATASETS[2]!, `all__${f}.npy`)))),
    async load(bytes) {
      const a = parseNpy(bytes, 'mutant.npy');
      if (a.data.length !== a.shape.reduce((x, y) => x * y, 1)) throw new Error(`${a.data.length} values for shape ${JSON.stringify(a.shape)}`);
      return `npy ${JSON.stringify(a.shape)}`;
    },
  },
  {
    name: 'official-dataset',
    what: 'official dataset folders (dataset.json and the five .npy arrays): one part edited, then parsed, listed and sampled',
    async prepare() {
      const folders = await Promise.all(DATASETS.map((d) => files(DATASET_PARTS.map((p) => join(d, p)))));
      // seed = folder × parts + part: the part edited (dataset.json by fields or text, an array by bytes)
      const parts = folders.flat();
      const json = jsonOf(parts);
      return {
        recipes: fc.oneof(
          byteRecipes(parts.length),
          json.recipes.filter((r) => r.seed % DATASET_PARTS.length === 0),
        ),
        build(r) {
          const folder = folders[Math.floor(r.seed / DATASET_PARTS.length)]!.slice();
          folder[r.seed % DATASET_PARTS.length] = json.build(r);
          return packParts(folder);
        },
      };
    },
    async load(bytes) {
      const [json, ...arrays] = unpackParts(bytes, DATASET_PARTS.length);
      const split = parseOfficialSplit('mutant', text(json!), Object.fromEntries(SPLIT_FILES.map((f, i) => [f, arrays[i]!])) as Record<(typeof SPLIT_FILES)[number], Uint8Array>);
      const S = split.metadata.seq_len;
      const examples = splitExamples(split);
      const drawn = split.groupIndices.length > 1 ? officialSource(split, 0).next(16) : [];
      for (const e of [...examples, ...drawn]) if (e.tokens.length !== S || e.labels.length !== S) throw new Error(`an example of ${e.tokens.length} tokens, seq_len ${S}`);
      return `official split, ${examples.length} examples`;
    },
  },
  {
    name: 'arc-task',
    what: 'ARC task JSON as the solver takes it ({id, train, test})',
    async prepare() {
      const dir = join(SHARED, 'data/arc-agi-1/training');
      return jsonOf(
        await Promise.all(['007bbfb7', '00d62c1b', '017c7c7b'].map(async (id) => utf8(JSON.stringify({ id, ...JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) })))),
      );
    },
    async load(bytes) {
      let json: unknown;
      try {
        json = JSON.parse(text(bytes));
      } catch {
        throw new InvalidPuzzleError('arc: not JSON'); // the CLI and the API refuse bad JSON themselves; the reader starts after
      }
      return `arc task, ${parseArcTaskInput(json).test.length} test inputs`;
    },
  },
  {
    name: 'data-spec',
    what: 'training data specs (--data): kinds, ranges, options, weights and mixtures, opened and drawn from',
    async prepare() {
      const specs = [
        '0.35*sudoku-gen:36-50 + 0.45*sudoku-gen:22-36 + 0.2*sudoku:../shared/data/sudoku/sudoku-extreme-train-sample-1k',
        '0.3*sudoku-gen:20-28 + 0.3*sudoku-gen:20-28:rating=4-999',
        '0.15*maze-gen:10:min=10 + 0.25*maze-gen:10:min=16 + 0.3*maze-gen:10:min=20',
        'official:../shared/fixtures/official-dataset-tiny',
      ];
      return bytesOf(specs.map(utf8));
    },
    async load(bytes) {
      const { source, shape } = await openTrainingData(text(bytes), 0);
      for (const e of source.next(2)) if (e.tokens.length !== shape.seqLen) throw new Error(`an example of ${e.tokens.length} tokens for seq_len ${shape.seqLen}`);
      return `data ${shape.task}`;
    },
  },
  {
    name: 'config',
    what: 'config files (JSON/YAML: a fixture config.json, an official all_config.yaml) read and validated',
    async prepare() {
      const jsons = await files(['sudoku-mlp-small', 'grid-att-small'].map((f) => join(FIXTURES, f, 'config.json')));
      const yamls = jsons.map((j) => utf8(toYaml({ arch: JSON.parse(text(j)).model_config })));
      const seeds = [...jsons, ...yamls];
      const json = jsonOf(seeds);
      return {
        recipes: fc.oneof(
          byteRecipes(seeds.length),
          json.recipes.filter((r) => r.seed < jsons.length),
        ),
        build: json.build,
      };
    },
    async load(bytes) {
      const path = join(tmpdir(), `trm-fuzz-config-${process.pid}.yaml`);
      await writeFile(path, bytes);
      return `config D ${validateConfig(await readConfigFile(path)).hidden_size}`;
    },
  },
];

/** Keeps the tensor count honest across a fuzz run: a load that fails half-way must not leak. */
export const tensorCount = () => tf.memory().numTensors;
