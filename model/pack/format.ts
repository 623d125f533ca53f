/**
 * The model package format (model/pack/FORMAT.md): a TF.js-style `model.json` whose
 * `weightsManifest` lists the tensors (port names, kernel layout) and binary shards, and whose
 * `userDefinedMetadata.trmEdge` holds the TRM config, the task, the quantization, provenance and a
 * SHA-256 per shard. Loading goes through TF.js IOHandlers (files, http/fetch, memory).
 */
import * as z from 'zod';
import { validateConfig } from '../config.js';

export const FORMAT_VERSION = 1;
export const QUANTIZATIONS = ['fp32', 'fp16', 'int8'] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

const shard = z.object({
  path: z.string().min(1),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters'),
});

export const metadataSchema = z.object({
  formatVersion: z.number().int().min(1),
  task: z.enum(['sudoku', 'maze', 'arc']),
  config: z.unknown().transform((c) => validateConfig(c)),
  quantization: z.enum(QUANTIZATIONS),
  shards: z.array(shard).min(1),
  provenance: z
    .object({
      source: z.string(),
      created: z.string(),
      data: z.string().optional(),
      /** The trained model this one was fine-tuned from, with that model's provenance. */
      init: z.string().optional(),
      training: z.record(z.string(), z.unknown()).optional(),
      metrics: z.record(z.string(), z.unknown()).optional(),
      notes: z.string().optional(),
    })
    .passthrough(),
  /** ARC: the name of each row of the (possibly reduced) puzzle table; [0] = "<blank>". */
  arc: z.object({ identifiers: z.array(z.string()).min(1) }).optional(),
});

export type PackageMetadata = z.infer<typeof metadataSchema>;

/** How one manifest entry is stored. int8 is symmetric per channel with a float32 scale entry `<name>.scale`. */
export type EntryQuantization = { dtype: 'float16' } | { dtype: 'int8'; axis: number };

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: EntryQuantization;
}

/** A manifest entry as read: checked before any size is computed from it (a package may be damaged or hostile). */
export const manifestEntrySchema = z
  .object({
    name: z.string().min(1),
    shape: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .max(8),
    dtype: z.string(),
    // Its dtype is checked where it is used, with a message that names it.
    quantization: z
      .object({ dtype: z.string(), axis: z.union([z.literal(0), z.literal(1)]).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** The parts of model.json a loader relies on before the metadata is read. */
export const modelJsonSchema = z
  .object({
    weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)).min(1), weights: z.array(manifestEntrySchema) }).passthrough()).min(1),
  })
  .passthrough();
