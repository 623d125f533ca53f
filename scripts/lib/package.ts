/**
 * Writes a model package folder (model.json, shards, README.md model card) or a single .trm file,
 * atomically: everything goes to a temporary folder first, renamed into place at the end.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LoadedModel } from '../../model/load.js';
import type { TaskName } from '../../model/tasks/codec.js';
import { namedWeights } from '../../model/weights.js';
import { packModel, type PackInput } from '../../model/pack/write.js';
import { packContainer } from '../../model/pack/container.js';
import { modelCard } from '../../model/pack/card.js';
import { metadataSchema, type Quantization } from '../../model/pack/format.js';
import { TrmError } from '../../model/index.js';
import { exists, TRAINING_SVG, writeAtomic } from './run-dir.js';

export interface SaveOptions {
  model: LoadedModel;
  task: TaskName;
  quantization: Quantization;
  provenance: PackInput['provenance'];
  arc?: PackInput['arc'];
  /** Replace puzzle rows (ARC row selection) and the config that goes with them. */
  puzzleRows?: { table: Float32Array; config: LoadedModel['config'] };
  title: string;
  /** Makes the training curves (`npm run plot`'s SVG), written beside the card; called for folders only. */
  trainingSvg?: () => Promise<string>;
  force?: boolean;
}

/** Packs and writes; `out` ending in .trm gives the single-file form. Returns the bytes written. */
export async function savePackage(out: string, o: SaveOptions): Promise<number> {
  if (!o.force && (await exists(out))) throw new TrmError('exists', `${out} already exists (use --force to replace it)`);
  const arrays = new Map([...namedWeights(o.model.weights)].map(([name, t]) => [name, t.dataSync() as Float32Array]));
  if (o.puzzleRows) arrays.set('puzzleEmb', o.puzzleRows.table);
  const config = o.puzzleRows?.config ?? o.model.config;
  const packed = await packModel({ task: o.task, config, weights: arrays, quantization: o.quantization, provenance: o.provenance, ...(o.arc ? { arc: o.arc } : {}) });
  const bytes = packed.shards.reduce((n, s) => n + s.data.length, 0);
  if (out.endsWith('.trm')) {
    await mkdir(dirname(out), { recursive: true });
    const file = packContainer(packed);
    await writeAtomic(out, file);
    return file.length;
  }
  const tmp = `${out}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const s of packed.shards) await writeFile(join(tmp, s.path), s.data);
  await writeFile(join(tmp, 'model.json'), JSON.stringify(packed.modelJson, null, 1) + '\n');
  const meta = metadataSchema.parse(packed.modelJson.userDefinedMetadata.trmEdge);
  if (o.trainingSvg) await writeFile(join(tmp, TRAINING_SVG), await o.trainingSvg());
  await writeFile(join(tmp, 'README.md'), modelCard(meta, bytes, o.title, o.trainingSvg ? TRAINING_SVG : undefined));
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
  return bytes;
}
