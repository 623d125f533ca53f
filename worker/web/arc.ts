/**
 * The demo page's ARC section: a task's demonstrations and test inputs in the ARC palette, answered
 * by the shipped ARC model's vote (two attempts per test input) in the page or through the edge API,
 * beside the expected output. A task the model never saw is fitted in the page first (solver.fit,
 * with its progress): the edge API does not fit, so there it is refused with the API's message.
 *
 * State for tests: the section's data-state (idle|loading|fitting|solving|solved|error); each drawn
 * grid's data-grid (its JSON) and data-role (input, output, attempt-1, attempt-2, expected).
 */
import type { ArcAttempt, ArcTaskInput } from '../../model/arc-solver.js';
import { createSolver, type BrowserSolver } from '../../model/runtime/browser-solver.js';

type Grid = number[][];
export interface ArcExample {
  id: string;
  train: { input: Grid; output: Grid }[];
  test: { input: Grid; output: Grid }[];
}
export interface ArcSettings {
  where: 'browser' | 'api';
  worker: boolean;
  halt: 'never' | 'q';
}

// The ARC colours (0 black … 9 maroon), as the ARC-AGI viewers draw them.
const PALETTE = ['#000', '#0074d9', '#ff4136', '#2ecc40', '#ffdc00', '#aaa', '#f012be', '#ff851b', '#7fdbff', '#870c25'];

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

function drawGrid(grid: Grid, role: string, label: string): HTMLElement {
  const box = el('div', { className: 'arc-grid', role: 'img', ariaLabel: `${label}, ${grid.length}×${grid[0]?.length ?? 0}` });
  box.dataset.role = role;
  box.dataset.grid = JSON.stringify(grid);
  box.style.gridTemplateColumns = `repeat(${grid[0]?.length ?? 0}, var(--arc-cell))`;
  for (const v of grid.flat()) {
    const cell = box.appendChild(el('span'));
    cell.style.background = PALETTE[v] ?? '#fff';
  }
  return box;
}

const figure = (grid: Grid, role: string, caption: string) => el('figure', {}, drawGrid(grid, role, caption), el('figcaption', {}, caption));
const same = (a: Grid, b: Grid) => JSON.stringify(a) === JSON.stringify(b);

/** Wires the section: `groups` of example tasks, `settings()` read at each solve. Returns what to call when the settings change. */
export function arcSection(root: HTMLElement, groups: { level: string; source: string; puzzles: ArcExample[] }[], settings: () => ArcSettings): () => void {
  const select = root.querySelector<HTMLSelectElement>('#arc-task')!;
  const view = root.querySelector<HTMLElement>('#arc-view')!;
  const status = root.querySelector<HTMLElement>('#arc-status')!;
  const solveButton = root.querySelector<HTMLButtonElement>('#arc-solve')!;
  const fitButton = root.querySelector<HTMLButtonElement>('#arc-fit')!;
  const stepsInput = root.querySelector<HTMLInputElement>('#arc-steps')!;
  const tasks = groups.flatMap((g) => g.puzzles);
  select.innerHTML = groups
    .map((g) => `<optgroup label="${g.level}">${g.puzzles.map((p) => `<option value="${tasks.indexOf(p)}" title="${g.source}">${p.id}</option>`).join('')}</optgroup>`)
    .join('');

  let solver: { key: string; solver: Promise<BrowserSolver<'arc'>> } | null = null;
  const getSolver = (worker: boolean) => {
    const key = String(worker);
    if (solver?.key !== key) {
      void solver?.solver.then(
        (s) => s.dispose(),
        () => {},
      );
      solver = { key, solver: createSolver({ model: 'arc', task: 'arc', worker }) };
      solver.solver.catch(() => (solver = null));
    }
    return solver.solver;
  };

  const setState = (state: string, text: string) => {
    root.dataset.state = state;
    status.textContent = text;
    const busy = ['loading', 'fitting', 'solving'].includes(state);
    const api = settings().where === 'api';
    solveButton.disabled = busy;
    fitButton.disabled = busy || api;
    fitButton.title = api ? 'The edge API does not fit (it would exceed a Worker’s CPU budget): solve in this browser to fit' : '';
  };

  const current = () => tasks[Number(select.value)]!;
  const show = (attempts?: ArcAttempt[]) => {
    const task = current();
    const demos = el(
      'div',
      { className: 'arc-pairs' },
      ...task.train.map((p, i) => el('div', { className: 'arc-pair' }, figure(p.input, 'input', `demo ${i + 1} input`), figure(p.output, 'output', 'output'))),
    );
    const tests = task.test.map((p, i) => {
      const a = attempts?.[i];
      const verdict = (g: Grid) => (same(g, p.output) ? ' ✓ right' : ' ✗');
      return el(
        'div',
        { className: 'arc-pair' },
        figure(p.input, 'input', `test ${i + 1} input`),
        ...(a ? [figure(a.attempt_1, 'attempt-1', `attempt 1${verdict(a.attempt_1)}`), figure(a.attempt_2, 'attempt-2', `attempt 2${verdict(a.attempt_2)}`)] : []),
        figure(p.output, 'expected', 'expected'),
      );
    });
    view.replaceChildren(el('h3', {}, 'Demonstrations'), demos, el('h3', {}, 'Test'), ...tests);
  };

  const input = (task: ArcExample): ArcTaskInput => ({ id: task.id, train: task.train, test: task.test.map((p) => ({ input: p.input })) });

  async function solveApi(task: ArcExample, halt: string): Promise<ArcAttempt[]> {
    const res = await fetch('/v1/solve', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'arc', puzzle: input(task), options: { halt } }),
    });
    const body = (await res.json()) as { attempts?: ArcAttempt[]; error?: { message: string } };
    if (!res.ok || !body.attempts) throw new Error(body.error?.message ?? `the API answered ${res.status}`);
    return body.attempts;
  }

  async function run(fit: boolean): Promise<void> {
    const task = current();
    const { where, worker, halt } = settings();
    try {
      let attempts: ArcAttempt[];
      if (where === 'api') {
        setState('solving', 'Asking the server…');
        attempts = await solveApi(task, halt);
      } else {
        setState('loading', 'Loading the ARC model…');
        const s = await getSolver(worker);
        if (fit) {
          const steps = Math.max(1, Math.round(Number(stepsInput.value) || 1));
          const result = await s.fit(input(task), {
            steps,
            onProgress: (p) => setState('fitting', `Fitting task ${task.id}: update ${p.step} of ${p.steps}, loss ${p.loss.toFixed(3)}`),
          });
          setState('solving', `Fitted ${result.versions} rows in ${result.seconds.toFixed(1)} s; voting…`);
        } else setState('solving', 'Voting over the task’s versions…');
        attempts = (await s.solve(input(task), { halt })).attempts;
      }
      if (task !== current()) return; // another task was picked meanwhile
      show(attempts);
      const right = task.test.filter((p, i) => same(attempts[i]!.attempt_1, p.output) || same(attempts[i]!.attempt_2, p.output)).length;
      setState('solved', `${right} of ${task.test.length} test outputs among the two attempts (pass@2).`);
    } catch (e) {
      const { code, message } = e as { code?: string; message?: string };
      const text = message ?? String(e);
      setState('error', code === 'unknown_task' ? `${text.replace(/\.?$/, '.')} In this page: press “Fit, then solve”.` : text);
    }
  }

  select.addEventListener('change', () => {
    show();
    setState('idle', '');
  });
  solveButton.addEventListener('click', () => void run(false));
  fitButton.addEventListener('click', () => void run(true));
  show();
  setState('idle', '');
  return () => setState(root.dataset.state!, status.textContent ?? '');
}
