/**
 * Models and configs on disk: files read on demand, package folders and `.trm` files, official
 * checkpoints with their run's config. The core never imports this file.
 */
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as tf from '@tensorflow/tfjs-core';
import { checkRange, type ByteSource } from '../checkpoint/byte-source.js';
import { CheckpointError, ConfigError } from '../errors.js';
import type { TrmConfig } from '../config.js';
import { loadCheckpoint, type LoadCheckpointOptions, type LoadedModel } from '../load.js';
import { loadPackage, parseModelJson, type LoadedPackage } from '../pack/read.js';
import { containerHandler } from '../pack/container.js';

/** A ByteSource over a file, read on demand (a 2 GB ARC checkpoint is never loaded whole). */
export async function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new CheckpointError(`${path}: cannot open (${e.code ?? e.message})`);
  });
  const { size } = await handle.stat();
  return {
    name: path,
    size,
    async read(offset, length) {
      checkRange(path, size, offset, length);
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      if (bytesRead !== length) throw new CheckpointError(`${path}: short read at ${offset} (${bytesRead} of ${length} bytes)`);
      return buffer;
    },
    close: () => handle.close(),
  };
}

/**
 * Reads a config file (JSON or YAML): a TRM config, an official run's all_config.yaml (its
 * `arch` section), or a parity fixture's config.json (its `model_config`). Returns the fields.
 */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(path, 'utf8'), { logLevel: 'error' }); // YAML 1.2 is a superset of JSON; its warnings would print a code frame
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON or YAML (${(e as Error).message.split('\n')[0]!.replace(/:$/, '')})`); // a YAML error goes on with a code frame
  }
  if (!doc || typeof doc !== 'object') throw new ConfigError(`${path}: expected a mapping of config fields`);
  const d = doc as Record<string, unknown>;
  const section = (d.model_config ?? d.arch ?? d) as Record<string, unknown>;
  return section;
}

/**
 * Resolves a model path: a checkpoint file (`step_N`, `*.safetensors`) or an official run folder,
 * whose newest `step_N` is taken, with the run's `all_config.yaml` (beside it) as config hints.
 */
async function resolveCheckpoint(path: string): Promise<{ checkpoint: string; runConfig?: string }> {
  const info = await stat(path).catch(() => {
    throw new CheckpointError(`${path}: no such file or folder`);
  });
  let checkpoint = path;
  if (info.isDirectory()) {
    const steps = (await readdir(path))
      .map((f) => ({ f, n: /^step_(\d+)(\.safetensors)?$/.exec(f)?.[1] }))
      .filter((s) => s.n !== undefined)
      .sort((a, b) => Number(b.n) - Number(a.n));
    if (!steps.length) throw new CheckpointError(`${path}: folder has no step_N checkpoint`);
    checkpoint = join(path, steps[0]!.f);
  }
  const runConfig = join(dirname(checkpoint), 'all_config.yaml');
  const hasRunConfig = await stat(runConfig).then(
    () => true,
    () => false,
  );
  return hasRunConfig ? { checkpoint, runConfig } : { checkpoint };
}

/**
 * Loads an official checkpoint from disk. `configPath` (JSON/YAML) or a run's all_config.yaml
 * gives hints; a full config (with vocab_size and seq_len) must match the file exactly.
 */
export async function loadCheckpointFile(path: string, options: Omit<LoadCheckpointOptions, 'hints'> & { configPath?: string } = {}): Promise<LoadedModel> {
  const { checkpoint, runConfig } = await resolveCheckpoint(path);
  const configPath = options.configPath ?? runConfig;
  const fields = configPath ? await readConfigFile(configPath) : undefined;
  const source = await fileSource(checkpoint);
  try {
    const complete = fields && 'vocab_size' in fields && 'seq_len' in fields;
    return await loadCheckpoint(source, {
      ...(options.task ? { task: options.task } : {}),
      ...(complete ? { config: fields } : fields ? { hints: pickHints(fields) } : {}),
      ...(options.config !== undefined ? { config: options.config } : {}),
    });
  } finally {
    await source.close();
  }
}

/** Official arch sections carry bookkeeping keys; keep only config fields as hints. */
function pickHints(fields: Record<string, unknown>): Partial<TrmConfig> {
  const { name: _n, loss: _l, H_layers: _h, forward_dtype: _f, no_ACT_continue: _a, batch_size: _b, causal: _c, ...rest } = fields;
  return rest as Partial<TrmConfig>;
}

/** A TF.js IOHandler over a package folder (model.json + shards), like tfjs-node's file handler. */
export function packageDirHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const text = await readFile(join(dir, 'model.json'), 'utf8').catch(() => {
        throw new CheckpointError(`${dir}: no model.json`);
      });
      const modelJson = parseModelJson(text, dir);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers = await Promise.all(
          manifest
            .flatMap((g) => g.paths)
            .map((p) =>
              readFile(join(dir, p)).catch(() => {
                throw new CheckpointError(`${dir}: shard ${p} is missing`);
              }),
            ),
        );
        const all = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
        buffers.reduce((at, b) => (all.set(b, at), at + b.length), 0);
        return [manifest.flatMap((g) => g.weights), all.buffer as ArrayBuffer];
      });
    },
  };
}

/**
 * Loads any model from disk: a package folder (model.json), a single-file package (.trm), a
 * training run folder, or an official checkpoint (step_N, .safetensors). `configPath` applies to
 * checkpoints only: a package carries its config, so one given with it is refused, not ignored.
 */
export async function loadModelFromPath(path: string, options: Omit<LoadCheckpointOptions, 'hints'> & { configPath?: string } = {}): Promise<LoadedModel | LoadedPackage> {
  const info = await stat(path).catch(() => {
    throw new CheckpointError(`${path}: no such file or folder`);
  });
  const packaged = info.isDirectory()
    ? await stat(join(path, 'model.json')).then(
        () => true,
        () => false,
      )
    : info.isFile() && path.endsWith('.trm');
  if (packaged && options.configPath) throw new ConfigError(`--config: ${path} is a package, which carries its own config`);
  if (packaged && info.isDirectory()) return loadPackage(packageDirHandler(path), path);
  if (packaged) return loadPackage(containerHandler(new Uint8Array(await readFile(path)), path), path);
  return loadCheckpointFile(path, options);
}
