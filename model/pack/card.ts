/** The model card (README.md) of a package, written from its metadata so the numbers cannot drift. */
import { countParameters } from '../cost.js';
import type { PackageMetadata } from './format.js';

export interface CardEvaluation {
  data: string;
  count: number;
  halt: string;
  exactAccuracy: number;
  tokenAccuracy: number;
  /** Answers valid by the task's own rule (absent in evaluations made before it was measured). */
  validAccuracy?: number;
  meanSteps: number;
  quantization?: string;
}

/** `figure`: the package's training-curves image (a path relative to the card), when it has one. */
export function modelCard(meta: PackageMetadata, bytes: number, title: string, figure?: string): string {
  const c = meta.config;
  const p = meta.provenance;
  const evals = ((p.metrics?.evaluations ?? []) as CardEvaluation[]);
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const params = countParameters(c);
  const lines = [
    `# ${title}`,
    '',
    `A Tiny Recursive Model for **${meta.task}**, packaged by trm-edge (format version ${meta.formatVersion}, ${meta.quantization}).`,
    '',
    '## Model',
    '',
    '| field | value |',
    '|---|---|',
    `| architecture | ${c.mlp_t ? 'TRM-MLP (token-mixing SwiGLU)' : `TRM-Att (${c.num_heads} heads, ${c.pos_encodings} positions)`} |`,
    `| hidden_size D · L_layers | ${c.hidden_size} · ${c.L_layers} |`,
    `| H_cycles T · L_cycles n · halt_max_steps | ${c.H_cycles} · ${c.L_cycles} · ${c.halt_max_steps} |`,
    `| seq_len · vocab_size | ${c.seq_len} · ${c.vocab_size} |`,
    `| trainable parameters | ${params.toLocaleString('en')} |`,
    `| package size | ${bytes.toLocaleString('en')} bytes (${(bytes / params).toFixed(2)} bytes per parameter) |`,
    '',
    '## Provenance',
    '',
    `- source: ${p.source}`,
    `- created: ${p.created}`,
    ...(p.init ? [`- initialised from: ${p.init}`] : []),
    ...(p.data ? [`- training data: ${p.data}`] : []),
    ...(p.training ? [`- training: ${Object.entries(p.training).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ')}`] : []),
    ...(figure ? ['', `![Training curves: losses, training and held-out accuracy, supervision steps used](${figure})`] : []),
    ...(p.notes ? ['', p.notes] : []),
  ];
  if (evals.length) {
    lines.push('', '## Evaluation', '', 'Exact accuracy = every cell right after the last supervision step (the official metric); valid = the answer is',
      "correct by the task's own rule (Maze: any shortest path, not only the label's tie-broken one; — where not measured); `npm run eval` reproduces these rows.", '');
    lines.push('| data | n | halt | weights | exact | token | valid | mean steps |', '|---|---|---|---|---|---|---|---|');
    for (const e of evals) lines.push(`| ${e.data} | ${e.count} | ${e.halt} | ${e.quantization ?? meta.quantization} | ${pct(e.exactAccuracy)} | ${pct(e.tokenAccuracy)} | ${e.validAccuracy === undefined ? '—' : pct(e.validAccuracy)} | ${e.meanSteps.toFixed(2)} |`);
  }
  return lines.join('\n') + '\n';
}
