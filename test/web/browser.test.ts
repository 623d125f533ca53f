/**
 * The browser build in real headless Chromium (playwright-core, the system's Chromium; a missing
 * Chromium fails): `npm run build:web`'s folder served on loopback, the page API in a worker and on
 * the main thread, the web components, the demo page and the README's snippet. Every answer is
 * compared with the Node solver's for the same package.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { validateConfig } from '../../model/config.js';
import { createSolver } from '../../model/runtime/node.js';
import { initWeights } from '../../model/train/init.js';
import { weightTensors } from '../../model/weights.js';
import { savePackage } from '../../scripts/lib/package.js';
import { launchChromium } from '../../scripts/lib/chromium.js';
import { serveFolder, type StaticServer } from '../../scripts/lib/static-server.js';
import { startWranglerDev } from '../../scripts/lib/wrangler-dev.js';
import { buildWeb, SOLVER_GZIP_LIMIT, WASM_FILES, type WebBuild } from '../../scripts/lib/web-bundle.js';
import { ROOT } from '../helpers/paths.js';
import expected from '../worker/expected.json' with { type: 'json' };
import examples from '../../worker/web/examples.json' with { type: 'json' };

const SUDOKU = expected.sudoku[0]!.puzzle;
const MAZE = expected.maze[0]!.puzzle;
const ARTIFACTS = join(ROOT, 'test-results');

let build: WebBuild;
let server: StaticServer;
let browser: Browser;
const node: { sudoku?: { solution: string; steps: number; verified: boolean }; maze?: { solution: string[]; steps: number; verified: boolean } } = {};
const dir = mkdtempSync(join(tmpdir(), 'trm-web-'));

beforeAll(async () => {
  build = await buildWeb(join(dir, 'site'));
  // A bare page that exposes the page API, for the API tests.
  writeFileSync(join(build.out, 'api.html'), '<!doctype html><link rel="icon" href="data:,"><script type="module">window.trm = await import("./trm-edge.js");</script>');
  server = await serveFolder(build.out);
  browser = await launchChromium();
  for (const task of ['sudoku', 'maze'] as const) {
    const solver = await createSolver({ model: task, backend: 'wasm' });
    const { solution, steps, verified } = await solver.solve((task === 'sudoku' ? SUDOKU : MAZE) as never);
    node[task] = { solution, steps, verified } as never;
    solver.dispose();
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh page (cold cache) that records console errors and uncaught exceptions. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(path, server.url).href);
  return { page, errors };
}

describe('npm run build:web', () => {
  it('writes one static folder: bundles, declarations, wasm binaries, models and the demo, within the size budget', () => {
    const names = build.files.map((f) => f.file);
    expect(names).toEqual(expect.arrayContaining(['trm-edge.js', 'trm-components.js', 'browser-worker.js', 'demo.js', 'sw.js']));
    for (const f of [...WASM_FILES, 'index.html', 'demo.css', 'trm-edge.d.ts', 'weights/sudoku/model.json', 'weights/maze/model.json', 'weights/arc/model.json'])
      expect(() => readFileSync(join(build.out, f)), f).not.toThrow();
    const solverJs = build.loads.find((l) => l.name.startsWith('solver JS'))!;
    console.log(build.loads.map((l) => `${l.name}: ${l.raw} B raw, ${l.gzip} B gzip`).join('\n'));
    expect(solverJs.gzip).toBeGreaterThan(50_000); // TF.js and the model code are in it
    expect(solverJs.gzip).toBeLessThanOrEqual(SOLVER_GZIP_LIMIT);
    // The page that embeds the components loads no TF.js (the worker does).
    expect(build.loads.find((l) => l.name.startsWith('components JS'))!.gzip).toBeLessThan(25_000);
    for (const l of build.loads) for (const f of l.files) expect(readFileSync(join(build.out, f)).toString('latin1')).not.toMatch(/from\s*["']node:/);
  });
});

describe('the page API (trm-edge.js) in Chromium', () => {
  for (const worker of [true, false]) {
    it(`solves Sudoku and a maze as Node does, step by step, ${worker ? 'in a module worker' : 'on the main thread'}`, async () => {
      const { page, errors } = await open('api.html');
      await page.waitForFunction(() => 'trm' in window);
      const out = await page.evaluate(
        async ({ worker, sudoku, maze }) => {
          const { createSolver } = (window as never as { trm: typeof import('../../model/runtime/browser.js') }).trm;
          const results = [];
          for (const [model, puzzle] of [
            ['sudoku', sudoku],
            ['maze', maze],
          ] as const) {
            const solver = await createSolver({ model, worker });
            const steps: number[] = [];
            let cells = 0;
            const r = await solver.solve(puzzle as never, { cellConfidence: true, onStep: (s) => (steps.push(s.step), (cells = s.cells?.length ?? 0)) });
            results.push({ model, thread: solver.thread, backend: solver.backend, task: solver.task, seqLen: solver.model.config.seq_len, r, steps, cells });
            solver.dispose();
          }
          return results;
        },
        { worker, sudoku: SUDOKU, maze: MAZE },
      );
      for (const o of out) {
        const want = node[o.model]!;
        expect([o.thread, o.backend, o.task]).toEqual([worker ? 'worker' : 'main', 'wasm', o.model]);
        expect(o.r.solution).toEqual(want.solution);
        expect([o.r.steps, o.r.verified]).toEqual([want.steps, want.verified]);
        expect(o.steps).toEqual(Array.from({ length: want.steps }, (_, i) => i + 1));
        expect(o.cells).toBe(o.seqLen);
      }
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it('aborts, refuses a bad puzzle with the same error class, and leaves no tensors after dispose', async () => {
    const { page, errors } = await open('api.html');
    await page.waitForFunction(() => 'trm' in window);
    const out = await page.evaluate(async (sudoku) => {
      const trm = (window as never as { trm: typeof import('../../model/runtime/browser.js') }).trm;
      const engine = () => (globalThis as never as { _tfengine?: { state: { numTensors: number } } })._tfengine;
      const modes: Record<string, { abortedSteps: number; bad: unknown[]; disposed: unknown[]; leaked: number; left: number }> = {};
      for (const worker of [true, false]) {
        const solver = await trm.createSolver({ model: 'sudoku', worker });
        const controller = new AbortController();
        const aborted = await solver.solve(sudoku, { onStep: (s) => s.step === 2 && controller.abort(), signal: controller.signal });
        const bad = await solver.solve('12'.repeat(10)).catch((e) => e);
        const before = worker ? 0 : engine()!.state.numTensors;
        await solver.solve(sudoku);
        const after = worker ? 0 : engine()!.state.numTensors;
        solver.dispose();
        const disposed = await solver.solve(sudoku).catch((e) => e);
        modes[worker ? 'worker' : 'main'] = {
          abortedSteps: aborted.steps,
          bad: [bad instanceof trm.InvalidPuzzleError, bad instanceof trm.TrmError, bad.code, bad.message],
          disposed: [disposed instanceof trm.DisposedError, disposed.code],
          leaked: after - before,
          left: worker ? 0 : engine()!.state.numTensors,
        };
      }
      const unknown = await trm.createSolver({ model: 'chess' }).then(
        () => 'loaded',
        (e) => e.code as string,
      );
      return { modes, unknown };
    }, SUDOKU);
    for (const mode of ['worker', 'main']) {
      const r = out.modes[mode]!;
      // On the main thread the abort is seen before the next step; a worker hears it a step or so later.
      expect(r.abortedSteps, mode).toBeGreaterThanOrEqual(2);
      expect(r.abortedSteps, mode).toBeLessThan(mode === 'main' ? 3 : 8);
      expect(r.bad.slice(0, 3), mode).toEqual([true, true, 'invalid_puzzle']);
      expect(r.bad[3], mode).toMatch(/sudoku/i);
      expect(r.disposed, mode).toEqual([true, 'disposed']);
      expect(r.leaked, mode).toBe(0);
    }
    expect(out.modes.main!.left).toBe(0); // the main-thread solver freed its weights
    expect(out.unknown).toBe('unknown_model');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('fits an unseen ARC task as Node does, in a worker and on the main thread, and aborts a fit', async () => {
    // A small random ARC package beside the site; its rows name t2 only, so t1 must be fitted.
    const config = validateConfig({ vocab_size: 12, seq_len: 16, hidden_size: 32, num_heads: 2, H_cycles: 1, L_cycles: 1, halt_max_steps: 2, num_puzzle_identifiers: 2 });
    const weights = initWeights(config, 4);
    const model = { config, weights, source: { name: 'random', format: 'package' as const }, dispose: () => {} };
    await savePackage(join(build.out, 'arc-test'), {
      model,
      task: 'arc',
      quantization: 'fp32',
      provenance: { source: 'test', created: 'now' },
      arc: { identifiers: ['<blank>', 't2'] },
      title: 'random ARC model',
    });
    tf.dispose(weightTensors(weights));
    const t1 = { id: 't1', train: [{ input: [[1, 0]], output: [[1, 1]] }], test: [{ input: [[0, 1]], output: [[1, 1]] }] };
    const nodeSolver = await createSolver({ model: join(build.out, 'arc-test'), task: 'arc' });
    const nodeFit = await nodeSolver.fit(t1, { steps: 3 });
    const nodeAnswer = await nodeSolver.solve(t1);
    const nodeNames = (nodeSolver.model as unknown as { metadata: { arc: { identifiers: string[] } } }).metadata.arc.identifiers.slice(2); // after '<blank>', 't2'
    nodeSolver.dispose();

    const { page, errors } = await open('api.html');
    await page.waitForFunction(() => 'trm' in window);
    const out = await page.evaluate(async (task) => {
      const trm = (window as never as { trm: typeof import('../../model/runtime/browser.js') }).trm;
      const results = [];
      for (const worker of [true, false]) {
        const solver = await trm.createSolver({ model: './arc-test/', task: 'arc', worker });
        const unknown = await solver.solve(task).catch((e) => e.code);
        const progress: number[] = [];
        const names = () => solver.model.metadata?.arc?.identifiers ?? [];
        const before = names().length;
        const fit = await solver.fit(task, { steps: 3, onProgress: (p) => progress.push(p.step) });
        const added = names().slice(before);
        const answer = await solver.solve(task);
        const controller = new AbortController();
        const aborted = await solver.fit(task, { steps: 200, signal: controller.signal, onProgress: (p) => p.step === 2 && controller.abort() }).catch((e) => e.name);
        solver.dispose();
        results.push({ worker, unknown, progress, versions: fit.versions, added, attempts: answer.attempts, aborted });
      }
      return results;
    }, t1);
    for (const r of out) {
      expect(r.unknown, `worker ${r.worker}`).toBe('unknown_task');
      expect(r.progress).toEqual([1, 2, 3]);
      expect(r.versions).toBe(nodeFit.versions);
      expect(r.added).toEqual(nodeNames); // the page's model names the fitted rows, as Node's does
      expect(r.added).toHaveLength(nodeFit.versions);
      expect(r.attempts).toEqual(nodeAnswer.attempts);
      expect(r.aborted).toBe('AbortError');
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('a page on plain HTTP (not a secure context)', () => {
  it('refuses to load a package with a CheckpointError that asks for https, instead of crashing', async () => {
    // A host name mapped to loopback: plain http://trm.test is not a secure context, so it has no crypto.subtle.
    const insecure = await launchChromium(['--host-resolver-rules=MAP trm.test 127.0.0.1']);
    try {
      const page = await insecure.newPage();
      await page.goto(`http://trm.test:${new URL(server.url).port}/api.html`);
      await page.waitForFunction(() => 'trm' in window);
      const out = await page.evaluate(async () => {
        const trm = (window as never as { trm: typeof import('../../model/runtime/browser.js') }).trm;
        const failures = [];
        for (const worker of [true, false]) {
          const e = await trm.createSolver({ model: 'sudoku', worker }).then(
            () => null,
            (err) => err,
          );
          failures.push({ secure: isSecureContext, checkpoint: e instanceof trm.CheckpointError, code: e?.code, message: e?.message });
        }
        return failures;
      });
      for (const f of out) expect(f).toEqual({ secure: false, checkpoint: true, code: 'invalid_checkpoint', message: expect.stringMatching(/crypto\.subtle.*https/) });
    } finally {
      await insecure.close();
    }
  });
});

/** The component's state, answer and the grid as shown. */
const state = (page: Page, tag: string) =>
  page.evaluate((tag) => {
    const el = document.querySelector(tag) as HTMLElement & { solution: unknown };
    const cells = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('[part~="cell"]')].map((c) => c.value ?? c.textContent);
    const status = el.shadowRoot!.querySelector('[part~="status"]')?.textContent ?? '';
    return { state: el.dataset.state, step: Number(el.dataset.step), verified: el.dataset.verified, solution: el.solution, cells, status };
  }, tag);

/** The demo page's ARC section: pick a task, press a button, wait for the outcome; the drawn attempts. */
async function arcRun(page: Page, task: string, button: 'solve' | 'fit') {
  await page.waitForSelector('#arc-task option', { state: 'attached' });
  await page.selectOption('#arc-task', { label: task });
  await page.click(`#arc-${button}`);
  await page.waitForFunction(() => ['solved', 'error'].includes(document.querySelector<HTMLElement>('#arc')!.dataset.state!), null, { timeout: 120_000 });
  return page.evaluate(() => {
    const grids = (role: string) => [...document.querySelectorAll<HTMLElement>(`#arc [data-role="${role}"]`)].map((e) => JSON.parse(e.dataset.grid!));
    const attempts = grids('attempt-1').map((attempt_1, i) => ({ attempt_1, attempt_2: grids('attempt-2')[i] }));
    return { state: document.querySelector<HTMLElement>('#arc')!.dataset.state, status: document.querySelector('#arc-status')!.textContent!, attempts };
  });
}

const [, ARC_KNOWN, ARC_HELD_OUT] = examples.arc.map((group) => group.puzzles[0]!);
const withoutOutputs = (t: typeof ARC_KNOWN) => ({ ...t, test: t.test.map((p) => ({ input: p.input })) });
const attemptsOf = (s: { attempts: { attempt_1: number[][]; attempt_2: number[][] }[] }) => s.attempts.map(({ attempt_1, attempt_2 }) => ({ attempt_1, attempt_2 }));

describe('the demo page and its components', () => {
  for (const worker of [true, false]) {
    it(`solves a Sudoku and a maze in the page ${worker ? 'in a worker' : 'on the main thread'}, animating every step, with no console errors`, async () => {
      const { page, errors } = await open('./');
      for (const [tag, puzzle] of [
        ['trm-sudoku', SUDOKU],
        ['trm-maze', MAZE.join('\n')],
      ] as const) {
        await page.waitForFunction((tag) => customElements.get(tag) !== undefined, tag);
        const steps = await page.evaluate(
          async ({ tag, puzzle, worker }) => {
            const el = document.querySelector(tag) as HTMLElement & { value: string };
            el.setAttribute('halt', 'never');
            el.setAttribute('worker', String(worker));
            el.value = puzzle;
            const seen: number[] = [];
            el.addEventListener('trm-step', (e) => seen.push((e as CustomEvent).detail.step));
            const solved = new Promise((resolve) => el.addEventListener('trm-solved', resolve, { once: true }));
            (el.shadowRoot!.querySelector('[part~="solve"]') as HTMLButtonElement).click();
            await solved;
            return seen;
          },
          { tag, puzzle, worker },
        );
        const task = tag === 'trm-sudoku' ? 'sudoku' : 'maze';
        const s = await state(page, tag);
        expect(s.solution).toEqual(node[task]!.solution);
        expect([s.state, s.step, s.verified]).toEqual(['solved', node[task]!.steps, String(node[task]!.verified)]);
        expect(steps).toEqual(Array.from({ length: node[task]!.steps }, (_, i) => i + 1));
        expect(s.status).toMatch(/verified/i);
        if (task === 'sudoku') expect(s.cells.join('')).toBe(node.sudoku!.solution);
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `demo-${worker ? 'worker' : 'main'}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it('answers an ARC task with the shipped model as Node does, and a held-out one only after fitting it in the page', async () => {
    const solver = await createSolver({ model: 'arc', backend: 'wasm' });
    const known = attemptsOf(await solver.solve(withoutOutputs(ARC_KNOWN)));
    await solver.fit(withoutOutputs(ARC_HELD_OUT), { steps: 2 });
    const fitted = attemptsOf(await solver.solve(withoutOutputs(ARC_HELD_OUT)));
    solver.dispose();

    const { page, errors } = await open('./');
    const answered = await arcRun(page, ARC_KNOWN.id, 'solve');
    expect(answered.state, answered.status).toBe('solved');
    expect(answered.attempts).toEqual(known);
    const right = ARC_KNOWN.test.filter((p, i) => [known[i]!.attempt_1, known[i]!.attempt_2].some((g) => JSON.stringify(g) === JSON.stringify(p.output))).length;
    expect(answered.status).toBe(`${right} of ${ARC_KNOWN.test.length} test outputs among the two attempts (pass@2).`);
    const refused = await arcRun(page, ARC_HELD_OUT.id, 'solve');
    expect(refused.state).toBe('error');
    expect(refused.status).toMatch(/no puzzle rows for ARC task .* press “Fit, then solve”/);
    await page.fill('#arc-steps', '2');
    const afterFit = await arcRun(page, ARC_HELD_OUT.id, 'fit');
    expect(afterFit.state, afterFit.status).toBe('solved');
    expect(afterFit.attempts).toEqual(fitted);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-arc.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('works offline on the next visit: the service worker kept the page, the bundles, the wasm and the models', async () => {
    const own = await serveFolder(build.out); // this test's server, stopped after the first visit
    const { page, errors } = await open(own.url);
    await page.evaluate(() => navigator.serviceWorker.ready); // active: installed, so every file is cached
    await own.close();
    await page.reload();
    await page.waitForFunction(() => customElements.get('trm-sudoku') !== undefined);
    const result = await page.evaluate(async (sudoku) => {
      const el = document.querySelector('trm-sudoku')!;
      el.value = sudoku;
      return el.solve();
    }, SUDOKU);
    expect(result.solution).toBe(node.sudoku!.solution);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('edits by keyboard, paste and pointer: digits and arrows in the Sudoku, an 81-character paste, walls and a moved start in the maze', async () => {
    const { page, errors } = await open('./');
    await page.waitForFunction(() => customElements.get('trm-maze') !== undefined);
    await page.evaluate(() => {
      document.querySelector('trm-sudoku')!.value = '.'.repeat(81);
      document.querySelector('trm-maze')!.value = ['S'.padEnd(10), ...Array<string>(8).fill(' '.repeat(10)), 'G'.padStart(10)].join('\n');
    });
    const cells = page.locator('trm-sudoku [part~="cell"]');
    await cells.first().click();
    await page.keyboard.type('5');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.type('3');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.type('7');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Backspace');
    const typed = await page.evaluate(() => document.querySelector('trm-sudoku')!.value);
    expect(typed.slice(0, 12)).toBe('5.........7.'); // 5 at (1,1), 3 at (1,2) cleared again, 7 at (2,2)
    await page.evaluate((sudoku) => {
      const data = new DataTransfer();
      data.setData('text', sudoku.replace(/(.{9})/g, '$1\n'));
      document
        .querySelector('trm-sudoku')!
        .shadowRoot!.querySelector('[part~="cell"]')!
        .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true }));
    }, SUDOKU);
    expect(await page.evaluate(() => document.querySelector('trm-sudoku')!.value)).toBe(SUDOKU);

    const mazeCells = page.locator('trm-maze [part~="cell"]');
    await mazeCells.nth(12).click(); // wall tool: row 2, column 3
    await page.getByLabel('start').check();
    await mazeCells.nth(55).click(); // the start moves to row 6, column 6
    const rows = (await page.evaluate(() => document.querySelector('trm-maze')!.value)).split('\n');
    expect(rows[0]).toBe(' '.repeat(10));
    expect(rows[1]![2]).toBe('#');
    expect(rows[5]![5]).toBe('S');
    expect(await mazeCells.nth(12).getAttribute('part')).toContain('wall');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('reports a bad puzzle as a trm-error event and a message on the page, with nothing uncaught', async () => {
    const { page, errors } = await open('./');
    await page.waitForFunction(() => customElements.get('trm-maze') !== undefined);
    const detail = await page.evaluate(async () => {
      const el = document.querySelector('trm-maze') as HTMLElement & { value: string };
      el.value = ['S  ', ' G '].join('\n'); // not the model's size
      const failed = new Promise<CustomEvent>((resolve) => el.addEventListener('trm-error', (e) => resolve(e as CustomEvent), { once: true }));
      (el.shadowRoot!.querySelector('[part~="solve"]') as HTMLButtonElement).click();
      return (await failed).detail;
    });
    expect(detail.code).toBe('invalid_puzzle');
    const s = await state(page, 'trm-maze');
    expect(s.state).toBe('error');
    expect(s.status).toContain(detail.message);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('takes its settings from attributes, solves through solve(), aborts, and frees the solver on dispose()', async () => {
    const { page, errors } = await open('./');
    await page.waitForFunction(() => customElements.get('trm-sudoku') !== undefined);
    const out = await page.evaluate(async (sudoku) => {
      type El = HTMLElement & { value: string; solve(): Promise<{ steps: number; verified: boolean }>; abort(): void; dispose(): void; solver: unknown };
      const el = document.querySelector('trm-sudoku') as El;
      el.setAttribute('worker', 'false');
      el.setAttribute('halt', 'q');
      el.setAttribute('max-steps', '3');
      el.value = sudoku;
      const q = await el.solve();
      el.setAttribute('halt', 'never');
      el.removeAttribute('max-steps');
      const aborting = el.solve();
      el.addEventListener('trm-step', () => el.abort(), { once: true });
      const aborted = await aborting.then(
        (r) => ({ steps: r.steps }),
        (e) => ({ error: e.name }),
      );
      const engine = (globalThis as never as { _tfengine: { state: { numTensors: number } } })._tfengine;
      const loaded = engine.state.numTensors;
      el.dispose();
      return { q, aborted, loaded, left: engine.state.numTensors, solver: el.solver };
    }, SUDOKU);
    expect(out.q.steps).toBeLessThanOrEqual(3);
    expect(out.q.verified).toBe(true);
    expect(out.aborted).not.toEqual({ steps: 8 }); // stopped before the model's 8 steps
    expect(out.loaded).toBeGreaterThan(0);
    expect(out.left).toBe(0);
    expect(out.solver).toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('the demo page as `npm start` serves it (wrangler dev)', () => {
  it('solves in the page and, with the switch, through the edge API, with the same answers', async () => {
    const port = 8797;
    const dev = await startWranglerDev(ROOT, port, build.out);
    try {
      const { page, errors } = await open(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => customElements.get('trm-sudoku') !== undefined);
      const solveOnce = () =>
        page.evaluate(async (sudoku) => {
          const el = document.querySelector('trm-sudoku')!;
          el.value = sudoku;
          const result = await el.solve();
          return { solution: result.solution, steps: result.steps, api: el.getAttribute('api') };
        }, SUDOKU);
      const inPage = await solveOnce();
      await page.getByLabel('through the edge API').check();
      const viaApi = await solveOnce();
      expect(inPage).toEqual({ solution: node.sudoku!.solution, steps: node.sudoku!.steps, api: null });
      expect(viaApi).toEqual({ solution: node.sudoku!.solution, steps: node.sudoku!.steps, api: '' });
      // ARC through the API: the same attempts as in the page; no fitting there.
      await page.getByLabel('in this browser').check();
      const arcInPage = await arcRun(page, ARC_KNOWN.id, 'solve');
      await page.getByLabel('through the edge API').check();
      const arcViaApi = await arcRun(page, ARC_KNOWN.id, 'solve');
      expect(arcViaApi.state, arcViaApi.status).toBe('solved');
      expect(arcViaApi.attempts).toEqual(arcInPage.attempts);
      expect(await page.isDisabled('#arc-fit')).toBe(true);
      const refused = await arcRun(page, ARC_HELD_OUT.id, 'solve');
      expect(refused.status).toMatch(/the edge API does not fit/);
      expect(errors).toEqual([expect.stringMatching(/status of 422 .*\/v1\/solve/)]); // Chromium logs the refused request; nothing else went wrong
      await page.context().close();
    } finally {
      dev.stop();
    }
  });
});

describe("the README's embedding snippet", () => {
  it('works as written when the build folder is the site', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Embed in your website'));
    const html = /```html\n([\s\S]*?)```/.exec(section)?.[1];
    expect(html, 'an ```html block in the README section "Embed in your website"').toBeTruthy();
    writeFileSync(join(build.out, 'snippet.html'), html!);
    const { page, errors } = await open('snippet.html');
    await page.waitForFunction(() => customElements.get('trm-sudoku') !== undefined);
    const result = await page.evaluate(async () => {
      const el = document.querySelector('trm-sudoku') as HTMLElement & { solve(): Promise<{ solution: string; verified: boolean }> };
      return el.solve();
    });
    expect(result.verified).toBe(true);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await page.context().close();
  });
});
