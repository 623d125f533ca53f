/**
 * The report `npm run eval -- --json` writes, and its reader: `npm run export --evals` puts its rows on a
 * model card, `npm run compare` pairs two of them puzzle by puzzle.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { TrmError } from '../../model/errors.js';

const reportSchema = z.object({
  model: z.string(),
  quantization: z.string().optional(),
  halt: z.string(),
  /** Copies per puzzle (`--tries`), when more than one. */
  tries: z.number().int().min(2).optional(),
  seed: z.number().int().optional(),
  results: z.array(z.object({
    data: z.string(),
    count: z.number().int().min(0),
    exactAccuracy: z.number(),
    tokenAccuracy: z.number(),
    validAccuracy: z.number().optional(),
    meanSteps: z.number(),
    /** Steps over all copies; absent in reports written before `--tries`. */
    meanWork: z.number().optional(),
    /** Absent in reports written before per-example results. */
    solved: z.string().regex(/^[01]*$/).optional(),
  })).min(1),
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
    if (set.solved !== undefined && set.solved.length !== set.count) throw new TrmError('invalid_data', `${file}: ${set.data}: ${set.solved.length} per-example results for ${set.count} examples`);
  }
  return r.data;
}
