/**
 * The models this worker serves: the core's catalog (model/catalog.ts) and, per isolate, each
 * package loaded once from the static-assets binding (through `createSolver`, on the SIMD wasm
 * backend), dequantized, and kept with its solver. Concurrent first requests share one load.
 */
import simdModule from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
import { MODELS, type ShippedModel } from '../model/catalog.js';
import { countParameters } from '../model/cost.js';
import { metadataSchema, type PackageMetadata } from '../model/pack/format.js';
import { createSolver } from '../model/runtime/workerd.js';
import type { Solver } from '../model/solver.js';
import type { TaskName } from '../model/tasks/codec.js';
import type { Env } from './env.js';
import { ApiError } from './errors.js';

export interface ServedModel {
  entry: ShippedModel;
  solver: Solver;
}

const ASSET_ORIGIN = 'https://assets.local';
const loaded = new Map<string, Promise<ServedModel>>();

/** The catalog entry for a request: the named model, or the task's default. */
export function resolveModel(task: TaskName, id: string | undefined): ShippedModel {
  if (id !== undefined) {
    const entry = MODELS.find((e) => e.id === id);
    if (!entry) throw new ApiError(422, 'unknown_model', `unknown model ${JSON.stringify(id)}; see GET /v1/models (${MODELS.map((e) => e.id).join(', ')})`, ['options', 'model']);
    if (entry.task !== task) throw new ApiError(422, 'model_task_mismatch', `model ${id} solves ${entry.task}, not ${task}`, ['options', 'model']);
    return entry;
  }
  const entry = MODELS.find((e) => e.task === task && e.default) ?? MODELS.find((e) => e.task === task);
  if (!entry) throw new ApiError(422, 'no_model', `this server has no ${task} model (it serves ${[...new Set(MODELS.map((e) => e.task))].join(', ')})`, ['task']);
  return entry;
}

const assetFetch = (env: Env) => ((input: RequestInfo | URL, init?: RequestInit) => env.ASSETS.fetch(new Request(input as string | URL, init))) as typeof fetch;

export function serveModel(env: Env, entry: ShippedModel): Promise<ServedModel> {
  let pending = loaded.get(entry.id);
  if (!pending) {
    pending = (async () => {
      const solver = await createSolver({ model: `${ASSET_ORIGIN}/weights/${entry.path}/model.json`, task: entry.task, wasm: simdModule, fetch: assetFetch(env) });
      return { entry, solver };
    })();
    pending.catch(() => loaded.delete(entry.id)); // a failed load is retried by the next request
    loaded.set(entry.id, pending);
  }
  return pending;
}

/** A model's card data from its model.json alone (no weights are read). */
export async function describeModel(env: Env, entry: ShippedModel): Promise<{ meta: PackageMetadata; bytes: number; parameters: number }> {
  const res = await env.ASSETS.fetch(new Request(`${ASSET_ORIGIN}/weights/${entry.path}/model.json`));
  if (!res.ok) throw new ApiError(503, 'model_unavailable', `model ${entry.id}: its package is missing from the assets`);
  const json = (await res.json()) as { userDefinedMetadata?: { trmEdge?: unknown } };
  const meta = metadataSchema.parse(json.userDefinedMetadata?.trmEdge);
  return { meta, bytes: meta.shards.reduce((n, s) => n + s.bytes, 0), parameters: countParameters(meta.config) };
}

/** Loaded model ids, for /health. */
export const loadedModels = () => [...loaded.keys()];
