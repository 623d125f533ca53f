import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS, validateConfig, ConfigError } from '../../model/index.js';
import { swigluWidth, totalLength } from '../../model/core.js';
import { countParameters, flopsPerApplication, flopsPerStep } from '../../model/cost.js';
import { officialShapes } from '../../model/weights.js';
import { FIXTURES } from '../helpers/paths.js';

describe('validateConfig', () => {
  it('fills the official trm.yaml defaults', () => {
    const c = validateConfig({ vocab_size: 11, seq_len: 81 });
    expect(c).toMatchObject({
      hidden_size: 512,
      num_heads: 8,
      expansion: 4,
      L_layers: 2,
      H_cycles: 3,
      L_cycles: 6,
      halt_max_steps: 16,
      halt_exploration_prob: 0.1,
      mlp_t: false,
      pos_encodings: 'rope',
      puzzle_emb_ndim: 512,
      puzzle_emb_len: 16,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      num_puzzle_identifiers: 1,
    });
  });

  it('accepts an official model config dict (extra official keys are dropped)', () => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'sudoku-mlp-small/config.json'), 'utf8'));
    const c = validateConfig(fixture.model_config);
    expect(c.hidden_size).toBe(64);
    expect(c).not.toHaveProperty('forward_dtype');
    expect(c).not.toHaveProperty('batch_size');
  });

  it.each([
    [{ vocab_size: 11, seq_len: 81, hiden_size: 64 }, /config: Unrecognized key.*hiden_size.*allowed: vocab_size/],
    [{ vocab_size: 11 }, /config\.seq_len/],
    [{ vocab_size: 11, seq_len: 81, hidden_size: '64' }, /config\.hidden_size: .*number/],
    [{ vocab_size: 11, seq_len: 81, H_cycles: 0 }, /config\.H_cycles/],
    [{ vocab_size: 11, seq_len: 81, pos_encodings: 'alibi' }, /config\.pos_encodings/],
    [{ vocab_size: 11, seq_len: 81, hidden_size: 100, num_heads: 8 }, /not divisible by num_heads/],
    [{ vocab_size: 11, seq_len: 81, hidden_size: 24, num_heads: 8 }, /RoPE needs an even head width/],
    [{ vocab_size: 11, seq_len: 81, puzzle_emb_ndim: 0 }, /puzzle_emb_len: must be 0 when puzzle_emb_ndim is 0/],
    [{ vocab_size: 11, seq_len: 81, hidden_size: 64, puzzle_emb_ndim: 128, puzzle_emb_len: 1 }, /does not fit/],
    [{ vocab_size: 11, seq_len: 81, no_ACT_continue: false }, /no_ACT_continue/],
    [{ vocab_size: 11, seq_len: 81, causal: true }, /non-causal/],
  ])('refuses %j with a message that names the field', (input, message) => {
    expect(() => validateConfig(input)).toThrow(ConfigError);
    expect(() => validateConfig(input)).toThrow(message);
  });

  it('reports the path of the bad field', () => {
    try {
      validateConfig({ vocab_size: 11, seq_len: 81, L_cycles: -1 });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).path).toEqual(['L_cycles']);
      expect((e as ConfigError).code).toBe('invalid_config');
    }
  });
});

describe('official sizes (spec §3.1, §9)', () => {
  it('rounds SwiGLU widths as the official code does', () => {
    expect(swigluWidth(512, 4)).toBe(1536);
    expect(swigluWidth(97, 4)).toBe(512);
    expect(swigluWidth(916, 4)).toBe(2560);
    expect(swigluWidth(64, 4)).toBe(256);
  });

  it.each([
    ['sudoku-mlp', 5_028_866],
    ['sudoku-att', 6_828_034],
    ['maze-att', 6_822_914],
    ['arc1-att', 6_829_058],
  ] as const)('%s has the official trainable parameter count', (name, expected) => {
    expect(countParameters(PRESETS[name])).toBe(expected);
  });

  it('counts the fixture models as the official code does', () => {
    for (const name of ['sudoku-mlp-small', 'grid-att-small']) {
      const fixture = JSON.parse(readFileSync(join(FIXTURES, name, 'config.json'), 'utf8'));
      expect(countParameters(validateConfig(fixture.model_config))).toBe(fixture.derived.num_params);
    }
  });

  it('parameter count equals the checkpoint shapes minus the buffers', () => {
    for (const cfg of Object.values(PRESETS)) {
      const buffers = new Set(['H_init', 'L_init', 'puzzle_emb.weights']);
      const total = [...officialShapes(cfg)].filter(([k]) => !buffers.has(k)).reduce((s, [, shape]) => s + shape.reduce((a, b) => a * b, 1), 0);
      expect(total).toBe(countParameters(cfg));
    }
  });

  it('matches the FLOP table of spec §9.2', () => {
    expect(flopsPerApplication(PRESETS['sudoku-mlp']) / 1e9).toBeCloseTo(1.2205, 3);
    expect(flopsPerApplication(PRESETS['sudoku-att']) / 1e9).toBeCloseTo(1.3608, 3);
    expect(flopsPerApplication(PRESETS['arc1-att']) / 1e9).toBeCloseTo(15.923, 2);
    expect(flopsPerStep(PRESETS['sudoku-mlp']) / 1e9).toBeCloseTo(25.63, 1);
    expect(flopsPerStep(PRESETS['maze-att']) / 1e9).toBeCloseTo(238.85, 0);
    expect(totalLength(PRESETS['maze-att'])).toBe(916);
  });
});
