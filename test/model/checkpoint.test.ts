import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { bytesSource, inferConfig, loadCheckpoint, readCheckpoint, type TensorEntry } from '../../model/checkpoint/index.js';
import { CheckpointError, ConfigError, validateConfig } from '../../model/index.js';
import { createTrm, runSteps } from '../../model/core.js';
import { unpickle } from '../../model/checkpoint/unpickle.js';
import { FIXTURES } from '../helpers/paths.js';
import { useWasmBackend } from '../helpers/backend.js';
import { f32bytes, safetensors, toBf16, unzipFile, zip, type RawTensor } from '../helpers/checkpoints.js';

useWasmBackend();

const SUDOKU = join(FIXTURES, 'sudoku-mlp-small');
const GRID = join(FIXTURES, 'grid-att-small');
const fixtureConfig = (dir: string) => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).model_config;
const bytes = (path: string) => new Uint8Array(readFileSync(path));
const read = (data: Uint8Array, name = 'test') => readCheckpoint(bytesSource(data, name));

async function tensorsByName(tensors: readonly TensorEntry[]) {
  return new Map(await Promise.all(tensors.map(async (t) => [t.name, { dtype: t.dtype, shape: [...t.shape], data: await t.read() }] as const)));
}

describe('reading official checkpoints', () => {
  it.each([SUDOKU, GRID])('step_0 and step_0.safetensors give identical tensors (%s)', async (dir) => {
    const torch = await read(bytes(join(dir, 'step_0')));
    const safe = await read(bytes(join(dir, 'step_0.safetensors')));
    expect(torch.format).toBe('torch-zip');
    expect(safe.format).toBe('safetensors');
    const [a, b] = [await tensorsByName(torch.tensors), await tensorsByName(safe.tensors)];
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, t] of a) expect(b.get(name), name).toEqual(t);
  });

  it('keeps state_dict order and the official key prefix', async () => {
    const { tensors } = await read(bytes(join(SUDOKU, 'step_0')));
    expect(tensors[0]!.name).toBe('_orig_mod.model.inner.H_init');
    expect(tensors.map((t) => t.name)).toEqual(JSON.parse(readFileSync(join(SUDOKU, 'config.json'), 'utf8')).weights.tensors.map((t: { key: string }) => t.key));
  });

  it('widens bf16 buffers exactly', async () => {
    const { tensors } = await read(bytes(join(SUDOKU, 'step_0')));
    const hInit = tensors.find((t) => t.name.endsWith('H_init'))!;
    expect(hInit.dtype).toBe('BF16');
    const values = await hInit.read();
    // A bf16 value has a zero low half-word, so rounding it to bf16 again changes nothing.
    expect(Array.from(new Uint16Array(toBf16(values).buffer))).toEqual(Array.from(new Uint32Array(values.buffer), (w) => w >>> 16));
    expect(values.some((v) => v !== 0)).toBe(true);
  });

  it('reads the torch 2.x zip layout (archive/ folder, byteorder, serialization records)', async () => {
    const entries = unzipFile(join(SUDOKU, 'step_0'));
    const v2: Record<string, Uint8Array> = {};
    for (const [name, data] of Object.entries(entries)) v2[name.replace(/^step_0\//, 'archive/')] = data;
    v2['archive/byteorder'] = new TextEncoder().encode('little');
    v2['archive/.data/serialization_id'] = new TextEncoder().encode('1234567890');
    v2['archive/.format_version'] = new TextEncoder().encode('1');
    const [a, b] = [await tensorsByName((await read(zip(v2))).tensors), await tensorsByName((await read(bytes(join(SUDOKU, 'step_0')))).tensors)];
    expect(a).toEqual(b);
  });

  it('runs a model whose every tensor is bf16 (as a bf16-trained checkpoint)', async () => {
    const fp32 = await read(bytes(join(SUDOKU, 'step_0.safetensors')));
    const raw: Record<string, RawTensor> = {};
    for (const t of fp32.tensors) raw[t.name] = { dtype: 'BF16', shape: [...t.shape], bytes: toBf16(await t.read()) };
    const model = await loadCheckpoint(bytesSource(safetensors(raw), 'bf16.safetensors'), { config: fixtureConfig(SUDOKU) });
    const trm = createTrm(model.config, model.weights);
    const inputs = JSON.parse(readFileSync(join(SUDOKU, 'inputs.json'), 'utf8')).batch;
    const [result] = await runSteps(trm, { tokens: Int32Array.from(inputs.inputs[0]), identifiers: Int32Array.of(0) }, { maxSteps: 1 });
    const reference = JSON.parse(readFileSync(join(SUDOKU, 'eval_steps.json'), 'utf8')).steps[0].preds[0] as number[];
    const agree = reference.filter((p, i) => p === result!.predictions[i]).length / reference.length;
    expect(agree).toBeGreaterThan(0.9); // bf16 weights perturb a random model slightly
    trm.dispose();
    model.dispose();
  });
});

describe('refusing bad checkpoints', () => {
  const evil = (module: string, name: string) =>
    new Uint8Array([0x80, 0x02, 0x63, ...new TextEncoder().encode(`${module}\n${name}\n`), 0x71, 0x00, 0x58, 2, 0, 0, 0, 0x6c, 0x73, 0x85, 0x52, 0x2e]);

  it.each([
    ['os', 'system'],
    ['posix', 'system'],
    ['builtins', 'eval'],
    ['subprocess', 'Popen'],
    ['torch', 'load'],
    ['collections', 'defaultdict'],
  ])('the unpickler refuses the global %s.%s without calling anything', (module, name) => {
    const run = () => unpickle(evil(module, name), { name: 'evil.pkl', globals: { 'collections.OrderedDict': () => new Map() }, persistentLoad: () => null });
    expect(run).toThrow(CheckpointError);
    expect(run).toThrow(`refusing global '${module}.${name}'`);
    expect(run).toThrow(/loading must never run code/);
  });

  it('a zip whose data.pkl names os.system is refused by the checkpoint reader', async () => {
    await expect(read(zip({ 'step_9/data.pkl': evil('os', 'system'), 'step_9/version': new TextEncoder().encode('3') }))).rejects.toThrow(/refusing global 'os\.system'/);
  });

  it('refuses opcodes a state_dict does not need (e.g. NEWOBJ, INST)', () => {
    const opts = { name: 'x.pkl', globals: {}, persistentLoad: () => null };
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x29, 0x29, 0x81, 0x2e]), opts)).toThrow(/unsupported pickle opcode 0x81/);
    expect(() => unpickle(new TextEncoder().encode('(ios\nsystem\n.'), opts)).toThrow(/unsupported pickle opcode 0x69/);
  });

  it('refuses a truncated pickle', () => {
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x58, 10, 0, 0, 0, 0x61]), { name: 'x.pkl', globals: {}, persistentLoad: () => null })).toThrow(/truncated pickle/);
  });

  it.each([0.5, 0.9, 0.999])('refuses a torch zip truncated to %s of its length', async (fraction) => {
    const data = bytes(join(SUDOKU, 'step_0'));
    await expect(read(data.subarray(0, Math.floor(data.length * fraction)), 'step_0')).rejects.toThrow(/truncated|not a zip/);
  });

  it('refuses a storage whose byte count does not match its element count', async () => {
    const entries = unzipFile(join(SUDOKU, 'step_0'));
    const key = Object.keys(entries).find((k) => /\/data\/\d+$/.test(k))!;
    entries[key] = entries[key]!.subarray(0, entries[key]!.length - 4);
    await expect(read(zip(entries))).rejects.toThrow(/has \d+ bytes, expected \d+ × \d+/);
  });

  it('refuses big-endian checkpoints', async () => {
    const entries = unzipFile(join(SUDOKU, 'step_0'));
    entries['step_0/byteorder'] = new TextEncoder().encode('big');
    await expect(read(zip(entries))).rejects.toThrow(/byteorder 'big' is not supported/);
  });

  it('refuses a truncated safetensors file', async () => {
    const data = bytes(join(SUDOKU, 'step_0.safetensors'));
    await expect(read(data.subarray(0, data.length - 100))).rejects.toThrow(/truncated file: data \[/);
  });

  it('refuses safetensors whose offsets disagree with the shape', async () => {
    const values = f32bytes(new Float32Array(6));
    const file = safetensors({ w: { dtype: 'F32', shape: [2, 3], bytes: values } }, { w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 24] } });
    await expect(read(file)).rejects.toThrow(/24 bytes for shape \[2,2\] F32, expected 16/);
  });

  it('refuses an unknown dtype and a non-checkpoint file', async () => {
    const file = safetensors({ w: { dtype: 'F32', shape: [1], bytes: f32bytes(new Float32Array(1)) } }, { w: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } });
    await expect(read(file)).rejects.toThrow(/unknown dtype "Q4"/);
    await expect(read(new TextEncoder().encode('hello, this is not a checkpoint'))).rejects.toThrow(/neither a PyTorch zip checkpoint nor a safetensors file/);
  });

  it('refuses integer tensors where weights must be floating point', async () => {
    const fp32 = await read(bytes(join(SUDOKU, 'step_0.safetensors')));
    const raw: Record<string, RawTensor> = {};
    for (const t of fp32.tensors) raw[t.name] = { dtype: 'F32', shape: [...t.shape], bytes: f32bytes(await t.read()) };
    const lm = Object.keys(raw).find((k) => k.endsWith('lm_head.weight'))!;
    raw[lm] = { dtype: 'I64', shape: raw[lm]!.shape, bytes: new Uint8Array(raw[lm]!.bytes.length * 2) };
    await expect(loadCheckpoint(bytesSource(safetensors(raw)), { config: fixtureConfig(SUDOKU) })).rejects.toThrow(/dtype I64 is not a floating-point weight type/);
  });
});

describe('config from a checkpoint', () => {
  it('infers the shape-given fields of an mlp_t model', async () => {
    const { tensors } = await read(bytes(join(SUDOKU, 'step_0')));
    const cfg = inferConfig(tensors, { H_cycles: 2, L_cycles: 3, halt_max_steps: 4, halt_exploration_prob: 0 });
    expect(cfg).toEqual(validateConfig(fixtureConfig(SUDOKU)));
  });

  it('needs seq_len for an attention model, and takes it from hints', async () => {
    const { tensors } = await read(bytes(join(GRID, 'step_0')));
    expect(() => inferConfig(tensors)).toThrow(/seq_len cannot be inferred/);
    const cfg = inferConfig(tensors, { seq_len: 36, num_heads: 4, H_cycles: 2, L_cycles: 2, halt_max_steps: 3, halt_exploration_prob: 0 });
    expect(cfg).toEqual(validateConfig(fixtureConfig(GRID)));
  });

  it('refuses a hint that contradicts the shapes', async () => {
    const { tensors } = await read(bytes(join(SUDOKU, 'step_0')));
    expect(() => inferConfig(tensors, { hidden_size: 128 })).toThrow(ConfigError);
    expect(() => inferConfig(tensors, { hidden_size: 128 })).toThrow(/hidden_size is 128 but the checkpoint's shapes say 64/);
  });

  it('refuses an explicit config whose shapes differ from the file, naming the tensor', async () => {
    const config = { ...fixtureConfig(SUDOKU), expansion: 2 };
    await expect(loadCheckpoint(bytesSource(bytes(join(SUDOKU, 'step_0'))), { config })).rejects.toThrow(
      /mlp_t\.gate_up_proj\.weight: shape \[1024,97\] does not match the config's \[512,97\]/,
    );
  });

  it('refuses a checkpoint of another model family', async () => {
    const file = safetensors({ 'model.inner.H_level.layers.0.mlp.down_proj.weight': { dtype: 'F32', shape: [1], bytes: f32bytes(new Float32Array(1)) } });
    await expect(loadCheckpoint(bytesSource(file), { task: 'sudoku' })).rejects.toThrow(/no 'H_init': not an official TRM state_dict/);
  });

  it('loads without leaving tensors behind when the file is refused', async () => {
    const before = tf.memory().numTensors;
    await expect(loadCheckpoint(bytesSource(bytes(join(SUDOKU, 'step_0'))), { config: { ...fixtureConfig(SUDOKU), vocab_size: 12 } })).rejects.toThrow(CheckpointError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
