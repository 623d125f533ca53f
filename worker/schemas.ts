/**
 * One set of zod schemas: they validate requests, type the handlers, and generate /openapi.json.
 * Structural limits live here (grid sizes ≤ 30×30, digits and colours in range, string lengths);
 * task rules (one S and one G, Sudoku givens that do not conflict) are the codecs' (model/tasks).
 */
import { z } from '@hono/zod-openapi';

const grid = z
  .array(z.array(z.number().int().min(0).max(9)).min(1).max(30))
  .min(1)
  .max(30)
  .openapi({
    description: 'ARC grid: rows of colours 0-9, at most 30×30',
    example: [
      [0, 1],
      [1, 0],
    ],
  });

const sudokuPuzzle = z
  .union([
    z.string().max(200).openapi({ description: "81 characters, '.' or '0' for blanks (whitespace ignored)" }),
    z
      .array(z.array(z.union([z.number().int().min(0).max(9), z.null()])).length(9))
      .length(9)
      .openapi({ description: '9×9 digits, 0 or null blank' }),
  ])
  .openapi({ example: '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79' });

const mazePuzzle = z
  .union([
    z.array(z.string().max(30)).min(1).max(30).openapi({ description: "rows over '#' wall, ' ' open, 'S' start, 'G' goal" }),
    z.string().max(1000).openapi({ description: 'rows separated by newlines' }),
  ])
  .openapi({ example: ['S  #', '## #', '   #', '#  G'] });

const arcPuzzle = z
  .object({
    id: z.string().min(1).max(200).openapi({ description: 'the task id the model was trained on (an ARC model only knows its own tasks)', example: '007bbfb7' }),
    train: z
      .array(z.object({ input: grid, output: grid }))
      .max(20)
      .optional(),
    test: z
      .array(z.object({ input: grid, output: grid.optional() }))
      .min(1)
      .max(10),
  })
  .openapi({ description: 'ARC task JSON with its id' });

const options = z
  .object({
    maxSteps: z.number().int().min(1).optional().openapi({ description: 'supervision steps at most (default: the model’s halt_max_steps; capped by the server’s MAX_STEPS)' }),
    halt: z.enum(['q', 'never', 'verified']).default('q').openapi({
      description:
        "'q': stop once q_halt > 0 (fast, default); 'never': run every step (the official evaluation); 'verified': stop once the answer passes the task's check (Sudoku, Maze)",
    }),
    tries: z.number().int().min(1).max(16).default(1).openapi({
      description:
        "Sudoku, Maze: copies of the puzzle to run, the first as given, the others under the task's symmetries (shuffles, rotations); the first verified copy's answer is returned. With halt 'verified', 8 tries solve most Kaggle-hard Sudokus the single run misses; compute counts every copy",
    }),
    returnSteps: z.boolean().default(false).openapi({ description: 'include each supervision step’s answer' }),
    model: z.string().max(100).optional().openapi({ description: 'model id from GET /v1/models (default: the task’s default model)' }),
  })
  .strict()
  .default({ halt: 'q', tries: 1, returnSteps: false });

export const SolveRequest = z
  .discriminatedUnion('task', [
    z.object({ task: z.literal('sudoku'), puzzle: sudokuPuzzle, options }).strict(),
    z.object({ task: z.literal('maze'), puzzle: mazePuzzle, options }).strict(),
    z.object({ task: z.literal('arc'), puzzle: arcPuzzle, options }).strict(),
  ])
  .openapi('SolveRequest');

export type SolveRequestBody = z.infer<typeof SolveRequest>;

const stepSchema = z.object({ step: z.number().int(), solution: z.unknown(), confidence: z.number(), copy: z.number().int().optional() });

export const SolveResponse = z
  .object({
    task: z.enum(['sudoku', 'maze', 'arc']),
    model: z.string(),
    solution: z.unknown().openapi({ description: 'the answer in the puzzle’s own form (Sudoku: 81-char string; Maze: rows; ARC: one grid per test input)' }),
    verified: z.boolean().openapi({ description: 'Sudoku: a valid grid keeping every given; Maze: an optimal S-to-G path; ARC: equals the given output (when sent)' }),
    steps: z.number().int(),
    halted: z.boolean().openapi({ description: "the halting rule fired (q_halt > 0, a verified answer with halt 'verified', or halt_max_steps reached)" }),
    copy: z.number().int().optional().openapi({ description: 'Sudoku, Maze: the copy that gave the answer (0: the puzzle as given; see options.tries)' }),
    work: z.number().int().optional().openapi({ description: 'Sudoku, Maze: supervision steps run over all copies' }),
    confidence: z.number().openapi({ description: 'σ(q_halt): the model’s belief that the whole answer is right' }),
    trajectory: z.array(stepSchema).optional(),
    attempts: z
      .array(z.object({ attempt_1: z.unknown(), attempt_2: z.unknown(), votes: z.number(), confidence: z.number() }))
      .optional()
      .openapi({ description: 'ARC: the two top-voted grids per test input (the official submission format)' }),
    timing: z.object({ totalMs: z.number(), solveMs: z.number() }),
  })
  .openapi('SolveResponse');

const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_puzzle' }),
      message: z.string().openapi({ example: "maze: second 'S' at row 4, col 17 (first at row 1, col 2); a maze has exactly one" }),
      path: z.array(z.union([z.string(), z.number()])).optional(),
    }),
  })
  .openapi('Error');

export const ModelInfo = z
  .object({
    id: z.string(),
    task: z.enum(['sudoku', 'maze', 'arc']),
    default: z.boolean(),
    quantization: z.string(),
    bytes: z.number().int(),
    parameters: z.number().int(),
    config: z.object({ hidden_size: z.number(), H_cycles: z.number(), L_cycles: z.number(), halt_max_steps: z.number(), mlp_t: z.boolean(), seq_len: z.number() }),
    evaluations: z.array(z.record(z.string(), z.unknown())).openapi({
      description:
        "the model card's rows from npm run eval: data, count, halt, tries and meanWork (steps over all copies) when more than one try, exact, token and valid accuracy, mean steps",
    }),
  })
  .openapi('Model');

export const errorResponses = {
  400: { content: { 'application/json': { schema: ErrorBody } }, description: 'Invalid request' },
  401: { content: { 'application/json': { schema: ErrorBody } }, description: 'Missing or wrong API key' },
  413: { content: { 'application/json': { schema: ErrorBody } }, description: 'Body too large' },
  415: { content: { 'application/json': { schema: ErrorBody } }, description: 'Not application/json' },
  422: { content: { 'application/json': { schema: ErrorBody } }, description: 'A well-formed request the model cannot take (bad puzzle, unknown model, over the compute cap)' },
  429: { content: { 'application/json': { schema: ErrorBody } }, description: 'Rate limited' },
} as const;
