/**
 * The report `npm run eval -- --json` writes, and its reader: `npm run export --evals` puts its rows on a
 * model card, `npm run compare` pairs two of them puzzle by puzzle.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { TrmError } from '../../model/errors.js';
import type { TrmConfig } from '../../model/config.js';

const reportSchema = z.object({
  model: z.string(),
  quantization: z.string().optional(),
  /** The evaluated model's config: export checks it is the packaged model's. */
  config: z.custom<Partial<TrmConfig>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object').optional(),
  halt: z.string(),
  /** Copies per puzzle (`--tries`), when more than one. */
  tries: z.number().int().min(2).optional(),
  seed: z.number().int().optional(),
  results: z
    .array(
      z.object({
        data: z.string(),
        /** SHA-256 of the set's examples, what compare pairs by; absent in reports written before it. */
        fingerprint: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
        count: z.number().int().min(0),
        exactAccuracy: z.number(),
        tokenAccuracy: z.number(),
        validAccuracy: z.number().optional(),
        meanSteps: z.number(),
        /** Steps over all copies; absent in reports written before `--tries`. */
        meanWork: z.number().optional(),
        /** Absent in reports written before per-example results. */
        solved: z
          .string()
          .regex(/^[01]*$/)
          .optional(),
      }),
    )
    .min(1),
});
export type EvalReport = z.infer<typeof reportSchema>;

export async function readEvalReport(file: string): Promise<EvalReport> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new TrmError('invalid_data', `${file}: not a readable JSON file (${(e as Error).message})`);
  }
  const r = reportSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TrmError('invalid_data', `${file}: not an npm run eval report (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  for (const set of r.data.results) {
    if (set.solved !== undefined && set.solved.length !== set.count)
      throw new TrmError('invalid_data', `${file}: ${set.data}: ${set.solved.length} per-example results for ${set.count} examples`);
  }
  return r.data;
}

/**
 * Refuses a report of another model than the one whose card it goes on: a config field differs. Reports
 * that predate the config field are taken as they are; two models of one config are not told apart.
 */
export function checkReportModel(file: string, report: EvalReport, config: TrmConfig): void {
  const differ = report.config ? (Object.keys(config) as (keyof TrmConfig)[]).filter((k) => report.config![k] !== config[k]) : [];
  if (differ.length) {
    throw new TrmError(
      'invalid_data',
      `--evals ${file}: a report of ${report.model}, another model than this one (${differ.map((k) => `${k} ${report.config![k]} vs ${config[k]}`).join(', ')})`,
    );
  }
}
