/**
 * Writes a model package folder (model.json, shards, README.md model card) or a single .trm file,
 * atomically: everything goes to a temporary folder first, renamed into place at the end.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LoadedModel } from '../../model/load.js';
import type { TaskName } from '../../model/tasks/codec.js';
import { namedWeights } from '../../model/weights.js';
import { packModel, type PackInput } from '../../model/pack/write.js';
import { packContainer } from '../../model/pack/container.js';
import { modelCard, type CardEvaluation } from '../../model/pack/card.js';
import { metadataSchema, type PackageMetadata, type Quantization } from '../../model/pack/format.js';
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
  // Here, not later on the temporary name: a file in the way of the folder is reported as the user wrote it.
  await mkdir(dirname(out), { recursive: true });
  const arrays = new Map([...namedWeights(o.model.weights)].map(([name, t]) => [name, t.dataSync() as Float32Array]));
  if (o.puzzleRows) arrays.set('puzzleEmb', o.puzzleRows.table);
  const config = o.puzzleRows?.config ?? o.model.config;
  const packed = await packModel({ task: o.task, config, weights: arrays, quantization: o.quantization, provenance: o.provenance, ...(o.arc ? { arc: o.arc } : {}) });
  const bytes = packed.shards.reduce((n, s) => n + s.data.length, 0);
  if (out.endsWith('.trm')) {
    const file = packContainer(packed);
    await writeAtomic(out, file);
    return file.length;
  }
  const tmp = `${out}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const s of packed.shards) await writeFile(join(tmp, s.path), s.data);
  await writeFile(join(tmp, 'model.json'), `${JSON.stringify(packed.modelJson, null, 1)}\n`);
  const meta = metadataSchema.parse(packed.modelJson.userDefinedMetadata.trmEdge);
  if (o.trainingSvg) await writeFile(join(tmp, TRAINING_SVG), await o.trainingSvg());
  await writeFile(join(tmp, 'README.md'), modelCard(meta, bytes, o.title, o.trainingSvg ? TRAINING_SVG : undefined));
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
  return bytes;
}

/**
 * Puts new evaluations (and notes, a title) on a package folder's card without touching its weights:
 * model.json's provenance and README.md are rewritten, each atomically. A new row replaces an old one
 * of the same data, halt, tries, seed and weights. The title stays the card's first heading unless given.
 * Returns the number of evaluation rows on the card.
 */
export async function recardPackage(dir: string, { modelJson, meta }: PackageFolder, o: { evaluations: CardEvaluation[]; notes?: string; title?: string }): Promise<number> {
  const title = o.title ?? /^# (.+)$/m.exec(await readPackageFile(dir, 'README.md'))?.[1];
  if (!title) throw new TrmError('invalid_package', `${dir}/README.md: no "# title" line to keep (give --title)`);

  // The card is written from the parsed metadata; model.json takes back only the new provenance.
  const key = (e: CardEvaluation) => JSON.stringify([e.data, e.halt, e.tries ?? 1, e.seed ?? 0, e.quantization ?? meta.quantization]);
  const fresh = new Set(o.evaluations.map(key));
  const old = ((meta.provenance.metrics?.evaluations ?? []) as CardEvaluation[]).filter((e) => !fresh.has(key(e)));
  const evaluations = [...old, ...o.evaluations];
  meta.provenance.metrics = { ...meta.provenance.metrics, evaluations };
  if (o.notes !== undefined) meta.provenance.notes = o.notes;
  modelJson.userDefinedMetadata.trmEdge.provenance = meta.provenance;

  const bytes = meta.shards.reduce((n, s) => n + s.bytes, 0);
  const figure = (await exists(join(dir, TRAINING_SVG))) ? TRAINING_SVG : undefined;
  await writeAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 1)}\n`);
  await writeAtomic(join(dir, 'README.md'), modelCard(meta, bytes, title, figure));
  return evaluations.length;
}

const readPackageFile = (dir: string, name: string) =>
  readFile(join(dir, name), 'utf8').catch(() => {
    throw new TrmError('invalid_package', `${dir}: no ${name} (a package folder holds model.json and its README.md card)`);
  });

/** A package folder as read: its model.json as it is, and the trm-edge metadata in it, checked. */
export interface PackageFolder {
  modelJson: { userDefinedMetadata: { trmEdge: Record<string, unknown> } };
  meta: PackageMetadata;
}

/** Reads a package folder; a missing or damaged model.json is an invalid_package error naming it. */
export async function readPackageFolder(dir: string): Promise<PackageFolder> {
  let modelJson: PackageFolder['modelJson'];
  try {
    modelJson = JSON.parse(await readPackageFile(dir, 'model.json'));
  } catch (e) {
    if (e instanceof TrmError) throw e;
    throw new TrmError('invalid_package', `${dir}/model.json: not JSON (${(e as Error).message})`);
  }
  const parsed = metadataSchema.safeParse(modelJson?.userDefinedMetadata?.trmEdge);
  if (!parsed.success)
    throw new TrmError('invalid_package', `${dir}/model.json: not a trm-edge package (${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message})`);
  return { modelJson, meta: parsed.data };
}
