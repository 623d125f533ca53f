/**
 * Datasets in the official on-disk format (spec §6.1): dataset.json plus all__{inputs, labels,
 * puzzle_identifiers, puzzle_indices, group_indices}.npy, as the official Python builders write
 * them (uint8 or int64 arrays). Pure parsing here; the Node edge reads the files.
 */
import * as z from 'zod';
import { TrmError } from '../errors.js';
import { parseNpy } from './npy.js';
import { createEpochs } from './epochs.js';
import type { DataSource, Example } from './source.js';

const metadataSchema = z.object({
  pad_id: z.number().int(),
  ignore_label_id: z.number().int().nullable(),
  blank_identifier_id: z.number().int(),
  vocab_size: z.number().int().min(2),
  seq_len: z.number().int().min(1),
  num_puzzle_identifiers: z.number().int().min(1),
  total_groups: z.number().int().min(0),
  mean_puzzle_examples: z.number(),
  total_puzzles: z.number().int().optional(), // HRM-built folders omit it
  sets: z.array(z.string()).min(1),
});

export type DatasetMetadata = z.infer<typeof metadataSchema>;

export const SPLIT_FILES = ['inputs', 'labels', 'puzzle_identifiers', 'puzzle_indices', 'group_indices'] as const;

export interface OfficialSplit {
  name: string;
  metadata: DatasetMetadata;
  inputs: Int32Array; // [N_ex·S]
  labels: Int32Array; // [N_ex·S], ignore_label_id already mapped to −100
  puzzleIdentifiers: Int32Array; // [N_puz]
  puzzleIndices: Int32Array; // [N_puz + 1]
  groupIndices: Int32Array; // [N_grp + 1]
}

/** Parses one split from its dataset.json text and the bytes of each `<set>__<name>.npy` (set "all"). */
export function parseOfficialSplit(name: string, datasetJson: string, files: Record<(typeof SPLIT_FILES)[number], Uint8Array>): OfficialSplit {
  const fail = (msg: string): never => {
    throw new TrmError('invalid_data', `${name}: ${msg}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(datasetJson);
  } catch (e) {
    fail(`dataset.json is not JSON (${(e as Error).message})`);
  }
  const meta = metadataSchema.safeParse(parsed);
  if (!meta.success) fail(`dataset.json: ${meta.error!.issues[0]!.path.join('.')}: ${meta.error!.issues[0]!.message}`);
  const metadata = meta.data!;
  const arrays = Object.fromEntries(SPLIT_FILES.map((f) => [f, parseNpy(files[f], `${name}/all__${f}.npy`)])) as Record<(typeof SPLIT_FILES)[number], ReturnType<typeof parseNpy>>;
  const S = metadata.seq_len;
  if (arrays.inputs.shape.length !== 2) fail(`all__inputs.npy has shape ${JSON.stringify(arrays.inputs.shape)}, expected [examples, seq_len]`);
  const [nEx, width] = arrays.inputs.shape as [number, number];
  if (width !== S) fail(`all__inputs.npy has rows of ${width}, dataset.json says seq_len ${S}`);
  if (arrays.labels.shape.join() !== arrays.inputs.shape.join()) fail(`labels shape ${arrays.labels.shape} differs from inputs ${arrays.inputs.shape}`);
  const pi = arrays.puzzle_indices.data;
  const gi = arrays.group_indices.data;
  const ids = arrays.puzzle_identifiers.data;
  // Offsets must start at 0, increase (every group has a puzzle, every puzzle an example) and end at the count they
  // index: the sampler trusts them.
  const offsets = (a: Int32Array, file: string, end: number, what: string) => {
    if (a.length < 1 || a[0] !== 0) fail(`${file} must start at 0`);
    for (let i = 1; i < a.length; i++) if (a[i]! <= a[i - 1]!) fail(`${file} does not increase at entry ${i} (${a[i - 1]} then ${a[i]}): an empty or negative range`);
    if (a[a.length - 1] !== end) fail(`${file} ends at ${a[a.length - 1]}, expected ${end} ${what}`);
  };
  offsets(pi, 'puzzle_indices', nEx, 'examples');
  offsets(gi, 'group_indices', ids.length, 'puzzles');
  if (pi.length !== ids.length + 1) fail(`puzzle_indices has ${pi.length} entries for ${ids.length} puzzles (expected one more)`);
  const outside = (a: Int32Array, lo: number, hi: number, except?: number) => a.findIndex((v) => (v < lo || v >= hi) && v !== except);
  const badId = outside(ids, 0, metadata.num_puzzle_identifiers);
  if (badId >= 0) fail(`puzzle identifier ${ids[badId]} (puzzle ${badId}) is outside [0, ${metadata.num_puzzle_identifiers})`);
  const badInput = outside(arrays.inputs.data, 0, metadata.vocab_size);
  if (badInput >= 0)
    fail(`input token ${arrays.inputs.data[badInput]} (example ${Math.floor(badInput / S)}, cell ${badInput % S}) is outside the vocabulary [0, ${metadata.vocab_size})`);
  const badLabel = outside(arrays.labels.data, 0, metadata.vocab_size, metadata.ignore_label_id ?? undefined);
  if (badLabel >= 0)
    fail(`label ${arrays.labels.data[badLabel]} (example ${Math.floor(badLabel / S)}, cell ${badLabel % S}) is outside the vocabulary [0, ${metadata.vocab_size})`);
  const ignore = metadata.ignore_label_id;
  // Official collate: ignore_label_id → −100.
  const labels = ignore === null ? arrays.labels.data : arrays.labels.data.map((v) => (v === ignore ? -100 : v));
  return { name, metadata, inputs: arrays.inputs.data, labels, puzzleIdentifiers: arrays.puzzle_identifiers.data, puzzleIndices: pi, groupIndices: gi };
}

const exampleAt = (split: OfficialSplit, e: number): Example => {
  const S = split.metadata.seq_len;
  return { tokens: split.inputs.slice(e * S, (e + 1) * S), labels: split.labels.slice(e * S, (e + 1) * S), id: -1 };
};

/** Every example in file order, with its puzzle's identifier (the official test loader's order). */
export function splitExamples(split: OfficialSplit): Example[] {
  const out: Example[] = [];
  for (let p = 0; p < split.puzzleIdentifiers.length; p++) {
    for (let e = split.puzzleIndices[p]!; e < split.puzzleIndices[p + 1]!; e++) out.push({ ...exampleAt(split, e), id: split.puzzleIdentifiers[p]! });
  }
  return out;
}

/**
 * The official training sampler (puzzle_dataset.py, spec §5.9), seeded: epochs walk a random
 * permutation of the groups; each group contributes one random puzzle, whose examples are taken in
 * random order up to the space left in the batch (the rest of that puzzle is dropped).
 */
export function officialSource(split: OfficialSplit, seed: number): DataSource {
  const groups = split.groupIndices.length - 1;
  const epochs = createEpochs(groups, seed);
  if (groups < 1) throw new TrmError('invalid_data', `${split.name}: no groups to train on`);
  return {
    description: `${split.name} (official format, ${groups} groups, ${split.puzzleIdentifiers.length} puzzles)`,
    next(count) {
      const rng = epochs.rng;
      const batch: Example[] = [];
      while (batch.length < count) {
        const g = epochs.next();
        const p = split.groupIndices[g]! + rng.int(0, split.groupIndices[g + 1]! - split.groupIndices[g]!);
        const examples = rng.shuffle(Array.from({ length: split.puzzleIndices[p + 1]! - split.puzzleIndices[p]! }, (_, i) => split.puzzleIndices[p]! + i));
        for (const e of examples.slice(0, count - batch.length)) batch.push({ ...exampleAt(split, e), id: split.puzzleIdentifiers[p]! });
      }
      return batch;
    },
    state: epochs.state,
    restore: epochs.restore,
  };
}
