/**
 * Training hyper-parameters with the official names (config/cfg_pretrain.yaml, spec §2.1) and its
 * defaults; the Sudoku/Maze README commands override lr and weight decay (see TASK_RECIPES).
 */
import * as z from 'zod';
import { ConfigError } from '../errors.js';

const schema = z
  .object({
    global_batch_size: z.number().int().min(1).default(768),
    lr: z.number().positive().default(1e-4),
    lr_min_ratio: z.number().min(0).max(1).default(1),
    lr_warmup_steps: z.number().int().min(0).default(2000),
    /** Cap on optimizer steps (official: epochs·groups·mean_examples/global_batch). */
    total_steps: z.number().int().min(1).default(65100),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.95),
    weight_decay: z.number().min(0).default(0.1),
    puzzle_emb_lr: z.number().positive().default(1e-2),
    puzzle_emb_weight_decay: z.number().min(0).default(0.1),
    ema: z.boolean().default(true), // every official README command sets ema=True
    ema_rate: z.number().min(0).lt(1).default(0.999),
    /** Not an official option (its trainer always halts a row on q_halt > 0): false runs every row for all
     * halt_max_steps steps, q_halt still learned, the ablation of notebooks/05-recursion-lab. */
    halting: z.boolean().default(true),
    /** Seeds initialisation, data order and exploration. Non-zero: TF.js treats seed 0 as unseeded. */
    seed: z.number().int().min(1).default(1),
  })
  .strict();

export type TrainHyper = z.infer<typeof schema>;

export function validateHyper(input: unknown): TrainHyper {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const extra = issue.code === 'unrecognized_keys' ? ` (allowed: ${Object.keys(schema.shape).join(', ')})` : '';
    throw new ConfigError(`training.${issue.path.join('.') || '(root)'}: ${issue.message}${extra}`, ['training', ...(issue.path as (string | number)[])]);
  }
  return parsed.data;
}

/** The official README's Sudoku and Maze overrides (lr 1e-4, puzzle_emb_lr 1e-4, both weight decays 1.0). */
export const TASK_RECIPES = {
  sudoku: { lr: 1e-4, puzzle_emb_lr: 1e-4, weight_decay: 1.0, puzzle_emb_weight_decay: 1.0 },
  maze: { lr: 1e-4, puzzle_emb_lr: 1e-4, weight_decay: 1.0, puzzle_emb_weight_decay: 1.0 },
  arc: { lr: 1e-4, puzzle_emb_lr: 1e-2, weight_decay: 0.1, puzzle_emb_weight_decay: 0.1 },
} as const;
