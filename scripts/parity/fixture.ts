/**
 * Reads a parity fixture folder written from the official PyTorch code (../shared/fixtures/
 * trm-reference/<config>/, see its README): config.json, inputs.json, eval_steps.json and,
 * when present, eval_steps.bin (raw float32 tensors) and the two checkpoint files.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

interface FixtureStep {
  step: number;
  logits: number[][][]; // [B, S, V]
  q_halt_logits: number[];
  preds: number[][];
  carry_halted: boolean[];
}

export interface FixtureTensor {
  shape: number[];
  data: Float32Array;
}

export interface Fixture {
  name: string;
  dir: string;
  /** The model config dict as passed to the official model (extra official keys included). */
  modelConfig: Record<string, unknown>;
  batch: { inputs: number[][]; labels: number[][]; puzzle_identifiers: number[] };
  steps: FixtureStep[];
  /** eval_steps.bin tensors by name (input_embeddings, stepN/z_H, ...), or null when the .bin is absent. */
  tensors: Map<string, FixtureTensor> | null;
  /** Checkpoint files present in the folder. */
  checkpoints: { torch?: string; safetensors?: string };
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8'));

export async function readFixture(dir: string): Promise<Fixture> {
  const config = await readJson(join(dir, 'config.json'));
  const inputs = await readJson(join(dir, 'inputs.json'));
  const evalSteps = await readJson(join(dir, 'eval_steps.json'));
  let tensors: Map<string, FixtureTensor> | null = null;
  const binName = evalSteps.bin?.file ?? 'eval_steps.bin';
  if (evalSteps.bin && (await exists(join(dir, binName)))) {
    const bytes = await readFile(join(dir, binName));
    tensors = new Map();
    for (const t of evalSteps.bin.tensors as { name: string; dtype: string; shape: number[]; offset: number; nbytes: number }[]) {
      if (t.dtype !== 'float32') throw new Error(`${dir}/${binName}: ${t.name} has dtype ${t.dtype}, expected float32`);
      const copy = new Uint8Array(bytes.subarray(t.offset, t.offset + t.nbytes));
      tensors.set(t.name, { shape: t.shape, data: new Float32Array(copy.buffer) });
    }
  }
  const checkpoints: Fixture['checkpoints'] = {};
  if (await exists(join(dir, 'step_0'))) checkpoints.torch = join(dir, 'step_0');
  if (await exists(join(dir, 'step_0.safetensors'))) checkpoints.safetensors = join(dir, 'step_0.safetensors');
  return {
    name: config.fixture ?? dir,
    dir,
    modelConfig: config.model_config,
    batch: inputs.batch,
    steps: evalSteps.steps,
    tensors,
    checkpoints,
  };
}

/** A fixture folder, or a folder of fixture folders (each holding a config.json). */
export async function findFixtures(dir: string): Promise<string[]> {
  if (await exists(join(dir, 'config.json'))) return [dir];
  const found: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory() && (await exists(join(dir, entry.name, 'config.json')))) found.push(join(dir, entry.name));
  }
  return found;
}
