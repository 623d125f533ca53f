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
  /** Copies per puzzle (`npm run eval --tries`), when more than one; `meanWork`: steps over all copies. */
  tries?: number;
  meanWork?: number;
  /** The seed of the copies' symmetries, when not 0. */
  seed?: number;
}

/** `figure`: the package's training-curves image (a path relative to the card), when it has one. */
export function modelCard(meta: PackageMetadata, bytes: number, title: string, figure?: string): string {
  const c = meta.config;
  const p = meta.provenance;
  const evals = (p.metrics?.evaluations ?? []) as CardEvaluation[];
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
    ...(p.training
      ? [
          `- training: ${Object.entries(p.training)
            .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`)
            .join(' · ')}`,
        ]
      : []),
    ...(figure ? ['', `![Training curves: losses, training and held-out accuracy, supervision steps used](${figure})`] : []),
    ...(p.notes ? ['', p.notes] : []),
  ];
  if (evals.length) {
    lines.push(
      '',
      '## Evaluation',
      '',
      'Exact accuracy = every cell right after the last supervision step (the official metric); valid = the answer is',
      "correct by the task's own rule (Maze: any shortest path, not only the label's tie-broken one; — where not measured); `npm run eval` reproduces these rows.",
      '',
    );
    // Rows with test-time tries add the compute column: steps over all copies of a puzzle.
    const tried = evals.some((e) => e.tries);
    if (tried) {
      lines.push(
        '`· N tries` rows (not the official procedure): each puzzle ran as N copies, the first as given and the others under',
        "the task's symmetries, and the first answer the task's own checker accepts counts (the checker reads the puzzle, never the",
        "label), else the first copy's; with halt `verified` an accepted answer stops all copies.",
        meta.task === 'maze'
          ? 'Copy k is the maze under the k-th of its rotations and reflections, the same for every maze.'
          : "A puzzle's copies are drawn from the seed (`--seed`, 0 unless the row names another) and the puzzle itself, so they do not depend on the batch or the set.",
        '`steps, all copies` is the compute spent per puzzle.',
        '',
      );
    }
    lines.push(
      `| data | n | halt | weights | exact | token | valid | mean steps |${tried ? ' steps, all copies |' : ''}`,
      `|---|---|---|---|---|---|---|---|${tried ? '---|' : ''}`,
    );
    for (const e of evals) {
      const halt = e.tries ? `${e.halt} · ${e.tries} tries${e.seed ? ` · seed ${e.seed}` : ''}` : e.halt;
      const work = tried ? ` ${(e.meanWork ?? e.meanSteps).toFixed(2)} |` : '';
      lines.push(
        `| ${e.data} | ${e.count} | ${halt} | ${e.quantization ?? meta.quantization} | ${pct(e.exactAccuracy)} | ${pct(e.tokenAccuracy)} | ${e.validAccuracy === undefined ? '—' : pct(e.validAccuracy)} | ${e.meanSteps.toFixed(2)} |${work}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
