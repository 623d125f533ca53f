/**
 * TRM configuration with the official field names (config/arch/trm.yaml, trm.py), so YAML files,
 * checkpoints and the spec (docs/trm-spec.md §2.1) match 1:1. `validateConfig` fills the official
 * defaults, range-checks every field, and refuses unknown keys naming the allowed ones.
 */
// A namespace import, unlike `{ z }`, lets bundlers drop the parts of zod not used (its locales: 264 KB).
import * as z from 'zod';
import { ConfigError } from './errors.js';

export interface TrmConfig {
  /** Tokens per cell class, PAD included (Sudoku 11, Maze 6, ARC 12). From dataset.json. */
  vocab_size: number;
  /** Cells per puzzle (Sudoku 81, Maze/ARC 900). From dataset.json. */
  seq_len: number;
  /** Rows of the puzzle-embedding table (1 for Sudoku/Maze; one per augmented ARC task). */
  num_puzzle_identifiers: number;
  /** D, the width of x, y, z. */
  hidden_size: number;
  /** Attention heads; head width is hidden_size / num_heads. Unused when mlp_t. */
  num_heads: number;
  /** SwiGLU factor: width = 256·ceil(round(expansion·in·2/3)/256). */
  expansion: number;
  /** Blocks per application of the one network. */
  L_layers: number;
  /** T: rounds per supervision step (the last one carries the gradient). */
  H_cycles: number;
  /** n: z-updates per round. */
  L_cycles: number;
  /** N_sup: maximum supervision steps. */
  halt_max_steps: number;
  /** Training-time probability of vetoing an early halt (spec §5.1). */
  halt_exploration_prob: number;
  /** Token mixing by a SwiGLU over the sequence axis instead of attention. */
  mlp_t: boolean;
  pos_encodings: 'rope' | 'learned' | 'none';
  rope_theta: number;
  rms_norm_eps: number;
  /** Width of a puzzle-embedding row; 0 removes the prefix. */
  puzzle_emb_ndim: number;
  /** P, prefix positions; 0 means ceil(puzzle_emb_ndim / hidden_size) (HRM's behaviour). */
  puzzle_emb_len: number;
}

const int = (min: number) => z.number().int().min(min);

/**
 * Official fields that TRM reads but that do not change the network we build: accepted so an
 * official `all_config.yaml` arch section validates as-is, then dropped.
 */
const IGNORED_OFFICIAL = {
  name: z.string().optional(),
  loss: z.unknown().optional(),
  H_layers: int(0).optional(), // "ignored" in trm.py
  batch_size: int(1).optional(), // only sizes the puzzle-row scratch buffer
  forward_dtype: z.enum(['bfloat16', 'float32', 'float16']).optional(), // we always run fp32 (spec §3.5)
  no_ACT_continue: z.literal(true, { message: 'only no_ACT_continue: true is supported (the false branch of the official code is broken, spec §11.1)' }).optional(),
  causal: z.literal(false, { message: 'TRM attention is non-causal; causal: true is not supported' }).optional(),
};

const schema = z
  .object({
    vocab_size: int(2),
    seq_len: int(1),
    num_puzzle_identifiers: int(1).default(1),
    hidden_size: int(1).default(512),
    num_heads: int(1).default(8),
    expansion: z.number().positive().default(4),
    L_layers: int(1).default(2),
    H_cycles: int(1).default(3),
    L_cycles: int(1).default(6),
    halt_max_steps: int(1).default(16),
    halt_exploration_prob: z.number().min(0).max(1).default(0.1),
    mlp_t: z.boolean().default(false),
    pos_encodings: z.enum(['rope', 'learned', 'none']).default('rope'),
    rope_theta: z.number().positive().default(10000),
    rms_norm_eps: z.number().positive().default(1e-5),
    puzzle_emb_ndim: int(0).optional(), // default: hidden_size (trm.yaml: ${.hidden_size})
    puzzle_emb_len: int(0).default(16),
    ...IGNORED_OFFICIAL,
  })
  .strict();

const FIELDS = Object.keys(schema.shape);

/** Validates a config, fills official defaults and returns a clean copy (official names only). */
export function validateConfig(input: unknown): TrmConfig {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `config.${issue.path.join('.')}` : 'config';
    const extra = issue.code === 'unrecognized_keys' ? ` (allowed: ${FIELDS.join(', ')})` : '';
    throw new ConfigError(`${where}: ${issue.message}${extra}`, issue.path as (string | number)[]);
  }
  const { name: _n, loss: _l, H_layers: _h, batch_size: _b, forward_dtype: _f, no_ACT_continue: _a, causal: _c, ...c } = parsed.data;
  const cfg: TrmConfig = { ...c, puzzle_emb_ndim: c.puzzle_emb_ndim ?? c.hidden_size };

  const fail = (field: keyof TrmConfig, message: string): never => {
    throw new ConfigError(`config.${field}: ${message}`, [field]);
  };
  if (cfg.puzzle_emb_ndim === 0 && cfg.puzzle_emb_len !== 0) {
    // Official code would still slice P positions off the logits without adding a prefix.
    fail('puzzle_emb_len', `must be 0 when puzzle_emb_ndim is 0 (got ${cfg.puzzle_emb_len})`);
  }
  if (cfg.puzzle_emb_len > 0 && cfg.puzzle_emb_ndim > cfg.puzzle_emb_len * cfg.hidden_size) {
    fail('puzzle_emb_ndim', `${cfg.puzzle_emb_ndim} does not fit in puzzle_emb_len·hidden_size = ${cfg.puzzle_emb_len * cfg.hidden_size}`);
  }
  if (!cfg.mlp_t) {
    if (cfg.hidden_size % cfg.num_heads !== 0) {
      fail('num_heads', `hidden_size ${cfg.hidden_size} is not divisible by num_heads ${cfg.num_heads}`);
    }
    if (cfg.pos_encodings === 'rope' && (cfg.hidden_size / cfg.num_heads) % 2 !== 0) {
      fail('num_heads', `RoPE needs an even head width, got hidden_size/num_heads = ${cfg.hidden_size / cfg.num_heads}`);
    }
  }
  return cfg;
}

/** P: prefix positions holding the puzzle embedding (spec §3.2). */
export function prefixLength(cfg: TrmConfig): number {
  return cfg.puzzle_emb_len === 0 ? Math.ceil(cfg.puzzle_emb_ndim / cfg.hidden_size) : cfg.puzzle_emb_len;
}

/** L = seq_len + P, the length of x, y and z. */
export function totalLength(cfg: TrmConfig): number {
  return cfg.seq_len + prefixLength(cfg);
}

/** Python's round(): half to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** SwiGLU inner width, official `_find_multiple(round(expansion·in·2/3), 256)` (spec §3.1). */
export function swigluWidth(inWidth: number, expansion: number): number {
  return 256 * Math.ceil(roundHalfEven((expansion * inWidth * 2) / 3) / 256);
}

/** Applications of the network per supervision step: T·(n+1). */
export function applicationsPerStep(cfg: TrmConfig): number {
  return cfg.H_cycles * (cfg.L_cycles + 1);
}

type PresetInput = Partial<TrmConfig> & Pick<TrmConfig, 'vocab_size' | 'seq_len'>;
const preset = (c: PresetInput): TrmConfig => validateConfig(c);

/**
 * The official configurations (README commands, spec §2.2) and small CPU presets.
 * ARC presets: num_puzzle_identifiers comes from the dataset's identifiers.json (≈876k for ARC-1);
 * the preset keeps 1 row so it can be instantiated for benchmarks.
 */
export const PRESETS = {
  'sudoku-mlp': preset({ vocab_size: 11, seq_len: 81, mlp_t: true, pos_encodings: 'none', H_cycles: 3, L_cycles: 6 }),
  'sudoku-att': preset({ vocab_size: 11, seq_len: 81, H_cycles: 3, L_cycles: 6 }),
  'maze-att': preset({ vocab_size: 6, seq_len: 900, H_cycles: 3, L_cycles: 4 }),
  'arc1-att': preset({ vocab_size: 12, seq_len: 900, H_cycles: 3, L_cycles: 4 }),
  'arc2-att': preset({ vocab_size: 12, seq_len: 900, H_cycles: 3, L_cycles: 4 }),
  /** Sudoku-MLP scaled for CPU training: D 128, T 3, n 4 (≈0.35M parameters). */
  'sudoku-mlp-cpu': preset({ vocab_size: 11, seq_len: 81, mlp_t: true, pos_encodings: 'none', hidden_size: 128, H_cycles: 3, L_cycles: 4 }),
  /** Maze-Att scaled for CPU: D 128, 4 heads, T 3, n 3. */
  'maze-att-cpu': preset({ vocab_size: 6, seq_len: 900, hidden_size: 128, num_heads: 4, H_cycles: 3, L_cycles: 3 }),
  /** The shipped Sudoku model (model/weights/sudoku): Sudoku-MLP at D 128, T 2, n 3, N_sup 8 (≈0.69M parameters). */
  'sudoku-mlp-edge': preset({ vocab_size: 11, seq_len: 81, mlp_t: true, pos_encodings: 'none', hidden_size: 128, H_cycles: 2, L_cycles: 3, halt_max_steps: 8 }),
  /** The shipped Maze model (model/weights/maze): the same network on 10×10 mazes (seq_len 100, ≈0.75M parameters). */
  'maze-mlp-edge': preset({ vocab_size: 6, seq_len: 100, mlp_t: true, pos_encodings: 'none', hidden_size: 128, H_cycles: 2, L_cycles: 3, halt_max_steps: 8 }),
  /** The shipped ARC model (model/weights/arc): ARC-Att on the 10×10 canvas at D 64, 4 heads, T 2, n 2, N_sup 4 (≈0.13M parameters besides its puzzle rows). */
  'arc10-att-edge': preset({ vocab_size: 12, seq_len: 100, hidden_size: 64, num_heads: 4, H_cycles: 2, L_cycles: 2, halt_max_steps: 4 }),
} as const satisfies Record<string, TrmConfig>;

export type PresetName = keyof typeof PRESETS;
