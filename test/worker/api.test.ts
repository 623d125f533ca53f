/**
 * The worker inside workerd (the Workers runtime), through its fetch handler and the real
 * static-assets binding: known puzzles give exactly the Node answers, bad requests get the right
 * status and error code, memory stays flat, concurrency is safe.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import app from '../../worker/index.js';
import expected from './expected.json' with { type: 'json' };

type Json = Record<string, any>;
/** An ARC-AGI-1 training task the shipped ARC model has rows for (its first in build order). */
const ARC_TASK = '6d0aefbc';
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`http://trm.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const get = (path: string) => exports.default.fetch(`http://trm.test${path}`);
const solve = async (body: unknown) => {
  const res = await post('/v1/solve', body);
  return { status: res.status, body: (await res.json()) as Json };
};

describe('POST /v1/solve in workerd', () => {
  it('answers known Sudokus and mazes exactly as the same package does in Node', async () => {
    for (const [task, cases] of Object.entries(expected as Record<string, Json[]>)) {
      for (const c of cases) {
        const { status, body } = await solve({ task, puzzle: c.puzzle, options: { halt: c.halt, ...(c.tries ? { tries: c.tries } : {}) } });
        expect(status, JSON.stringify(body)).toBe(200);
        expect(body.solution).toEqual(c.solution);
        expect([body.verified, body.steps, body.halted]).toEqual([c.verified, c.steps, c.halted]);
        if (c.tries) expect([body.copy, body.work]).toEqual([c.copy, c.work]);
        expect(body.confidence).toBeCloseTo(c.confidence, 6);
        expect(body.model).toBe(task);
      }
    }
    const health = (await (await get('/health')).json()) as Json;
    expect(health).toMatchObject({ ok: true, backend: 'wasm' });
  });

  it('answers an ARC task the shipped model was trained on by voting over its versions, and says how to fit an unknown one', async () => {
    const input = [
      [6, 8, 6],
      [8, 6, 8],
      [1, 6, 1],
    ];
    const { status, body } = await solve({ task: 'arc', puzzle: { id: ARC_TASK, test: [{ input }] } });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ model: 'arc', steps: 4 });
    expect(body.attempts[0].votes).toBeGreaterThanOrEqual(1);
    expect(body.attempts).toHaveLength(1);
    for (const grid of [body.solution[0], body.attempts[0].attempt_1, body.attempts[0].attempt_2]) for (const row of grid) for (const c of row) expect(c).toBeGreaterThanOrEqual(0);
    const unknown = await solve({ task: 'arc', puzzle: { id: 'ffffffff', train: [{ input, output: input }], test: [{ input }] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/no puzzle rows for ARC task "ffffffff".*Fit the task first.*the edge API does not fit/);
  });

  it('returns every step when asked, and streams them as Server-Sent Events', async () => {
    const c = (expected as Record<string, Json[]>).sudoku![0]!;
    const { body } = await solve({ task: 'sudoku', puzzle: c.puzzle, options: { halt: 'never', returnSteps: true } });
    expect(body.trajectory).toHaveLength(c.steps);
    expect(body.trajectory.at(-1).solution).toEqual(c.solution);
    const res = await post('/v1/solve/stream', { task: 'sudoku', puzzle: c.puzzle, options: { halt: 'never' } });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text();
    expect(text.match(/^event: step$/gm)).toHaveLength(c.steps);
    const result = JSON.parse(/event: result\ndata: (.*)\n/.exec(text)![1]!);
    expect(result.solution).toEqual(c.solution);
  });

  it.each([
    [
      'wrong content type',
      () => exports.default.fetch('http://trm.test/v1/solve', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
      415,
      'unsupported_media_type',
    ],
    ['invalid JSON', () => post('/v1/solve', '{"task": '), 400, 'invalid_json'],
    ['oversized body', () => post('/v1/solve', { task: 'sudoku', puzzle: 'x'.repeat(70_000) }), 413, 'body_too_large'],
    ['missing puzzle', () => post('/v1/solve', { task: 'sudoku' }), 400, 'invalid_request'],
    ['unknown task', () => post('/v1/solve', { task: 'chess', puzzle: 'x' }), 400, 'invalid_request'],
    ['unknown option', () => post('/v1/solve', { task: 'sudoku', puzzle: '.'.repeat(81), options: { speed: 'max' } }), 400, 'invalid_request'],
    ['wrong Sudoku length', () => post('/v1/solve', { task: 'sudoku', puzzle: '123' }), 422, 'invalid_puzzle'],
    ['bad Sudoku character', () => post('/v1/solve', { task: 'sudoku', puzzle: 'x'.repeat(81) }), 422, 'invalid_puzzle'],
    ['digit out of range', () => post('/v1/solve', { task: 'sudoku', puzzle: Array.from({ length: 9 }, () => Array(9).fill(10)) }), 400, 'invalid_request'],
    ['wrong maze size', () => post('/v1/solve', { task: 'maze', puzzle: ['S G'] }), 422, 'invalid_puzzle'],
    ['bad maze character', () => post('/v1/solve', { task: 'maze', puzzle: [`S${'x'.repeat(8)}G`, ...Array(9).fill(' '.repeat(10))] }), 422, 'invalid_puzzle'],
    ['two starts', () => post('/v1/solve', { task: 'maze', puzzle: [`S${' '.repeat(8)}G`, `S${' '.repeat(9)}`, ...Array(8).fill(' '.repeat(10))] }), 422, 'invalid_puzzle'],
    ['ARC grid over 30×30', () => post('/v1/solve', { task: 'arc', puzzle: { id: 'x', test: [{ input: Array(31).fill([1]) }] } }), 400, 'invalid_request'],
    ['an ARC task the model does not know', () => post('/v1/solve', { task: 'arc', puzzle: { id: 'x', test: [{ input: [[1]] }] } }), 422, 'unknown_task'],
    ['an ARC grid over the model canvas', () => post('/v1/solve', { task: 'arc', puzzle: { id: ARC_TASK, test: [{ input: Array(11).fill([1]) }] } }), 422, 'invalid_puzzle'],
    ['tries on ARC', () => post('/v1/solve', { task: 'arc', puzzle: { id: 'x', test: [{ input: [[1]] }] }, options: { tries: 2 } }), 400, 'not_supported'],
    ["halt 'verified' on ARC", () => post('/v1/solve', { task: 'arc', puzzle: { id: 'x', test: [{ input: [[1]] }] }, options: { halt: 'verified' } }), 400, 'not_supported'],
    ['too many tries', () => post('/v1/solve', { task: 'sudoku', puzzle: '.'.repeat(81), options: { tries: 17 } }), 400, 'invalid_request'],
    ['huge maxSteps', () => post('/v1/solve', { task: 'sudoku', puzzle: '.'.repeat(81), options: { maxSteps: 10_000 } }), 400, 'max_steps_too_large'],
    ['unknown model', () => post('/v1/solve', { task: 'sudoku', puzzle: '.'.repeat(81), options: { model: 'gpt' } }), 422, 'unknown_model'],
    ['model of another task', () => post('/v1/solve', { task: 'sudoku', puzzle: '.'.repeat(81), options: { model: 'maze' } }), 422, 'model_task_mismatch'],
    ['unknown route', () => get('/v2/solve'), 404, 'not_found'],
    ['public weights off', () => app.fetch(new Request('http://trm.test/weights/sudoku/model.json'), { ...env, PUBLIC_WEIGHTS: 'false' }), 404, 'not_found'],
    ['a file not in the static folder', () => get('/nothing-here.js'), 404, 'not_found'],
  ] as const)('refuses %s', async (_name, send, status, code) => {
    const res = await send();
    const body = (await res.json()) as Json;
    expect(res.status).toBe(status);
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
  });

  it('refuses more maze tries than the maze has symmetries, naming options.tries', async () => {
    const { status, body } = await solve({ task: 'maze', puzzle: [`S${' '.repeat(8)}G`, ...Array(9).fill(' '.repeat(10))], options: { tries: 9 } });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'too_many_tries', path: ['options', 'tries'] });
    expect(body.error.message).toMatch(/9 is more than this maze model has copies for \(1 \+ 7 symmetries\)/);
  });

  it('names where the puzzle is wrong', async () => {
    const { body } = await solve({ task: 'maze', puzzle: [`S${' '.repeat(8)}G`, `${' '.repeat(4)}S${' '.repeat(5)}`, ...Array(8).fill(' '.repeat(10))] });
    expect(body.error.message).toMatch(/maze: second 'S' at row 2, col 5/);
    expect(body.error.path).toEqual(['puzzle', 1, 4]);
  });

  it('requires a valid API key when API_KEYS is set (constant-time comparison)', async () => {
    const withKeys = { ...env, API_KEYS: 'k-one, k-two' };
    const body = JSON.stringify({ task: 'sudoku', puzzle: '.'.repeat(81), options: { maxSteps: 1 } });
    const call = (headers: Record<string, string>) => app.request('/v1/solve', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }, withKeys);
    expect((await call({})).status).toBe(401);
    expect(((await (await call({ authorization: 'Bearer nope' })).json()) as Json).error.code).toBe('unauthorized');
    expect((await call({ authorization: 'Bearer k-two' })).status).toBe(200);
    expect((await call({ 'x-api-key': 'k-one' })).status).toBe(200);
  });

  it('applies the rate limiter when bound, and CORS only for allowed origins', async () => {
    let calls = 0;
    const limited = { ...env, RATE_LIMITER: { limit: async () => ({ success: ++calls <= 1 }) }, CORS_ORIGINS: 'https://ok.example' };
    const body = JSON.stringify({ task: 'sudoku', puzzle: '.'.repeat(81), options: { maxSteps: 1 } });
    const call = (origin: string) => app.request('/v1/solve', { method: 'POST', headers: { 'content-type': 'application/json', origin }, body }, limited);
    const first = await call('https://ok.example');
    expect(first.status).toBe(200);
    expect(first.headers.get('access-control-allow-origin')).toBe('https://ok.example');
    const second = await call('https://evil.example');
    expect(second.status).toBe(429);
    expect(second.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves /v1/models, /openapi.json, the demo page, its bundles and the model packages', async () => {
    const models = (await (await get('/v1/models')).json()) as Json;
    expect(models.models.map((m: Json) => [m.id, m.task, m.quantization])).toEqual([
      ['sudoku', 'sudoku', 'int8'],
      ['maze', 'maze', 'int8'],
      ['arc', 'arc', 'int8'],
    ]);
    const doc = (await (await get('/openapi.json')).json()) as Json;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/solve', '/v1/solve/stream', '/v1/models']));
    expect(doc.components.schemas.SolveRequest).toBeDefined();
    expect(await (await get('/')).text()).toMatch(/<title>trm-edge/);
    for (const [path, type] of [
      ['/trm-components.js', /javascript/],
      ['/browser-worker.js', /javascript/],
      ['/tfjs-backend-wasm-simd.wasm', /^application\/wasm/],
      ['/weights/sudoku/model.json', /json/],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(type);
      await res.arrayBuffer();
    }
  });
});

describe('memory and concurrency in workerd', () => {
  it('500 sequential solves leave the tensor count unchanged', async () => {
    const puzzle = (expected as Record<string, Json[]>).sudoku![0]!.puzzle;
    await solve({ task: 'sudoku', puzzle, options: { maxSteps: 1 } });
    const before = ((await (await get('/health')).json()) as Json).tensors;
    for (let i = 0; i < 500; i++) {
      const options = [{ halt: 'never' }, { halt: 'q' }, { halt: 'verified', tries: 3 }][i % 3];
      const { status } = await solve({ task: 'sudoku', puzzle, options: { maxSteps: 1, ...options } });
      if (status !== 200) throw new Error(`solve ${i} failed with ${status}`);
    }
    const after = ((await (await get('/health')).json()) as Json).tensors;
    expect(before).toBeGreaterThan(0);
    expect(after).toBe(before);
  });

  it('32 concurrent requests all succeed with the answers they get alone', async () => {
    const cases = Object.entries(expected as Record<string, Json[]>).flatMap(([task, cs]) => cs.map((c) => ({ task, c })));
    const picks = Array.from({ length: 32 }, (_, i) => cases[i % cases.length]!);
    const results = await Promise.all(picks.map(({ task, c }) => solve({ task, puzzle: c.puzzle, options: { halt: c.halt, ...(c.tries ? { tries: c.tries } : {}) } })));
    results.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body.solution).toEqual(picks[i]!.c.solution);
    });
  });
});
