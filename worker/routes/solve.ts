/**
 * POST /v1/solve and POST /v1/solve/stream (Server-Sent Events: one `step` event per supervision
 * step, then `result`). Requests are validated by the zod schemas, capped (maxSteps, compute per
 * request), parsed by the task codec, then solved.
 *
 * No cross-request micro-batching: workerd refuses to settle one request's promise from another
 * request's handler ("Cannot perform I/O on behalf of a different request"), and a solve never
 * yields, so requests to one isolate run one after another (see BENCHMARKS.md for what batching
 * would have saved on one core).
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { flopsPerStep } from '../../model/cost.js';
import { InvalidPuzzleError, TrmError } from '../../model/errors.js';
import { arcRows } from '../../model/arc-solver.js';
import { getTask } from '../../model/tasks/index.js';
import type { TaskName } from '../../model/tasks/codec.js';
import type { Puzzle, Solver, SolveStep } from '../../model/solver.js';
import type { SearchHalt } from '../../model/tries.js';
import { limitsOf, type Env } from '../env.js';
import { ApiError, validationError } from '../errors.js';
import { resolveModel, serveModel, type ServedModel } from '../models.js';
import { errorResponses, SolveRequest, SolveResponse, type SolveRequestBody } from '../schemas.js';

const body = { required: true, content: { 'application/json': { schema: SolveRequest } } } as const;

const solveRoute = createRoute({
  method: 'post',
  path: '/v1/solve',
  summary: 'Solve a puzzle',
  request: { body },
  responses: { 200: { content: { 'application/json': { schema: SolveResponse } }, description: 'The answer, verified, with the halting step and confidence' }, ...errorResponses },
});

const streamRoute = createRoute({
  method: 'post',
  path: '/v1/solve/stream',
  summary: 'Solve a puzzle, streaming each supervision step (Server-Sent Events)',
  request: { body },
  responses: {
    200: {
      content: { 'text/event-stream': { schema: SolveResponse } },
      description: '`step` events ({step, solution, confidence}), then one `result` event (the /v1/solve response)',
    },
    ...errorResponses,
  },
});

interface Prepared {
  served: ServedModel;
  puzzle: unknown;
  maxSteps: number | undefined;
  halt: SearchHalt;
  tries: number;
  started: number;
}

/** Caps, model, backend and puzzle checks shared by both routes. */
async function prepare(env: Env, req: SolveRequestBody): Promise<Prepared> {
  const started = Date.now();
  const limits = limitsOf(env);
  const { maxSteps, halt, tries, model } = req.options;
  if (req.task === 'arc' && (halt === 'verified' || tries > 1)) {
    throw new ApiError(400, 'not_supported', "ARC has no answer checker here: its answers are votes over the model's augmented versions; use halt 'q' or 'never' and tries 1", [
      'options',
      halt === 'verified' ? 'halt' : 'tries',
    ]);
  }
  if (maxSteps !== undefined && maxSteps > limits.maxSteps) {
    throw new ApiError(400, 'max_steps_too_large', `options.maxSteps: ${maxSteps} exceeds this server's limit of ${limits.maxSteps}`, ['options', 'maxSteps']);
  }
  const entry = resolveModel(req.task, model);
  const served = await serveModel(env, entry);
  const config = served.solver.model.config;
  // ARC was refused above; Sudoku and Maze allow as many copies as the task has forms.
  const { maxTries } = served.solver;
  if (tries > maxTries) {
    throw new ApiError(400, 'too_many_tries', `options.tries: ${tries} is more than this ${req.task} model has copies for (1 + ${maxTries - 1} symmetries)`, ['options', 'tries']);
  }
  const steps = Math.min(maxSteps ?? config.halt_max_steps, limits.maxSteps);
  // ARC runs every test input once per augmented version the model knows for the task; Sudoku and Maze once per try.
  const forwards = req.task === 'arc' ? req.puzzle.test.length * arcRows(served.solver.model, req.puzzle.id).length : tries;
  const gflop = (forwards * steps * flopsPerStep(config)) / 1e9;
  if (gflop > limits.maxGflop)
    throw new ApiError(422, 'compute_limit', `this request needs up to ${gflop.toFixed(0)} GFLOP; the limit is ${limits.maxGflop}`, ['options', 'maxSteps']);
  try {
    if (req.task !== 'arc') getTask(req.task, config.seq_len).parse(req.puzzle);
  } catch (e) {
    if (e instanceof InvalidPuzzleError) throw new ApiError(422, e.code, e.message, ['puzzle', ...e.path]);
    throw e;
  }
  return { served, puzzle: req.puzzle, maxSteps: steps, halt, tries, started };
}

const stepView = (s: SolveStep) => ({ step: s.step, solution: s.solution, confidence: s.confidence, copy: s.copy });

export const solveRoutes = new OpenAPIHono<{ Bindings: Env }>({
  defaultHook: (result, c) => (result.success ? undefined : validationError(result.error, (result as { data?: unknown }).data, c)),
})
  .openapi(solveRoute, async (c) => {
    const req = c.req.valid('json');
    const p = await prepare(c.env, req);
    if (req.task === 'arc') {
      const t0 = Date.now();
      const answer = await (p.served.solver as Solver<'arc'>).solve(req.puzzle, { maxSteps: p.maxSteps, halt: p.halt }); // prepare() refused 'verified' for ARC
      return c.json(
        {
          task: req.task,
          model: p.served.entry.id,
          solution: answer.solution,
          attempts: answer.attempts,
          verified: answer.verified,
          steps: answer.steps,
          halted: answer.halted,
          confidence: answer.confidence,
          timing: { totalMs: Date.now() - p.started, solveMs: Date.now() - t0 },
        },
        200,
      );
    }
    const trajectory: ReturnType<typeof stepView>[] = [];
    const t0 = Date.now();
    const result = await p.served.solver.solve(p.puzzle as Puzzle<TaskName>, {
      maxSteps: p.maxSteps,
      halt: p.halt,
      tries: p.tries,
      ...(req.options.returnSteps ? { onStep: (s: SolveStep) => trajectory.push(stepView(s)) } : {}),
    });
    const solveMs = Date.now() - t0;
    return c.json(
      {
        task: req.task,
        model: p.served.entry.id,
        solution: result.solution,
        verified: result.verified,
        steps: result.steps,
        halted: result.halted,
        copy: result.copy,
        work: result.work,
        confidence: result.confidence,
        ...(req.options.returnSteps ? { trajectory } : {}),
        timing: { totalMs: Date.now() - p.started, solveMs },
      },
      200,
    );
  })
  .openapi(streamRoute, async (c) => {
    const req = c.req.valid('json');
    if (req.task === 'arc') throw new ApiError(400, 'not_streamable', 'ARC answers are votes over many augmented runs; use POST /v1/solve', ['task']);
    const p = await prepare(c.env, req);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      let writes = Promise.resolve();
      const t0 = Date.now();
      try {
        const result = await p.served.solver.solve(p.puzzle as Puzzle<TaskName>, {
          maxSteps: p.maxSteps,
          halt: p.halt,
          tries: p.tries,
          signal: abort.signal,
          yieldEachStep: true,
          onStep: (s) => (writes = writes.then(() => stream.writeSSE({ event: 'step', data: JSON.stringify(stepView(s)) }))),
        });
        await writes;
        if (abort.signal.aborted) return;
        const solveMs = Date.now() - t0;
        await stream.writeSSE({
          event: 'result',
          data: JSON.stringify({ task: req.task, model: p.served.entry.id, ...result, qHalt: undefined, timing: { totalMs: Date.now() - p.started, solveMs } }),
        });
      } catch (e) {
        if (abort.signal.aborted) return; // the client went away before the first step
        const err = e instanceof TrmError ? { code: e.code, message: e.message } : { code: 'internal', message: 'internal error' };
        if (!(e instanceof TrmError)) console.error('stream failed', e);
        await stream.writeSSE({ event: 'error', data: JSON.stringify({ error: err }) });
      }
    });
  });
